// Metadata of the container-images pin kind (Istio images in any manifest, incl. patches and annotations).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** Istio images (proxyv2, pilot, ztunnel, install-cni) in any manifest or patch, and sidecar.istio.io/proxyImage */
export const containerImagesKind: YamlPinKind<'container-images'> = {
  name: 'container-images',
  filePatterns: ['**/*.{yaml,yml}'],
  keywords: ['proxyv2:', 'pilot:', 'ztunnel:', 'install-cni:'],
  input: 'yaml',
  extract,
};
export { extract };
