// Metadata of the container-images pin kind (Istio images in any manifest, incl. patches and annotations).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const containerImagesKind: YamlPinKind = {
  name: 'container-images',
  description:
    'Istio images (proxyv2, pilot, ztunnel, install-cni) in any manifest or patch, and sidecar.istio.io/proxyImage',
  filePatterns: ['**/*.{yaml,yml}'],
  role: 'per-pin',
  keywords: ['proxyv2:', 'pilot:', 'ztunnel:', 'install-cni:'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
