// Metadata of the kustomize-images pin kind (`images:` in kustomization.yaml).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** kustomization.yaml images[].newTag for proxyv2, pilot, ztunnel, install-cni */
export const kustomizeImagesKind: YamlPinKind<'kustomize-images'> = {
  name: 'kustomize-images',
  filePatterns: ['**/kustomization.{yaml,yml}', '**/Kustomization'],
  keywords: ['images'],
  input: 'yaml',
  extract,
};
export { extract };
