// Metadata of the image-hubs source kind.
import type { YamlSourceKind } from '../types.js';
import { extract } from './extract.js';

export const imageHubsKind: YamlSourceKind = {
  name: 'image-hubs',
  description:
    'hub, global.hub, image, kustomize newName and proxyImage on gcr.io/istio-release or registry.istio.io',
  filePatterns: ['**/*.{yaml,yml}', '**/Kustomization'],
  input: 'yaml',
  extract,
};
export { extract };
