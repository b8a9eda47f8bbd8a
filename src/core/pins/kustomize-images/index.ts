// Metadata of the kustomize-images pin kind (`images:` in kustomization.yaml).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const kustomizeImagesKind: YamlPinKind = {
  name: 'kustomize-images',
  description: 'kustomization.yaml images[].newTag for proxyv2, pilot, ztunnel, install-cni',
  filePatterns: ['**/kustomization.{yaml,yml}', '**/Kustomization'],
  role: 'per-pin',
  keywords: ['images'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
