// Metadata of the image-hubs source kind.
import type { SourceKind } from '../types.js';
import { extract } from './extract.js';

export const imageHubsKind: SourceKind = {
  name: 'image-hubs',
  description:
    'hub, global.hub, image, kustomize newName and proxyImage on gcr.io/istio-release or registry.istio.io',
  filePatterns: ['**/*.{yaml,yml}', '**/Kustomization'],
  extract,
};
export { extract };
