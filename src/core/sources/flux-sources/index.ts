// Metadata of the flux-sources source kind (Flux HelmRepository and OCIRepository URLs).
import type { YamlSourceKind } from '../types.js';
import { extract } from './extract.js';

export const fluxSourcesKind: YamlSourceKind = {
  name: 'flux-sources',
  description: 'Flux HelmRepository and OCIRepository spec.url on a retired Istio host',
  filePatterns: ['**/*.{yaml,yml}'],
  input: 'yaml',
  extract,
};
export { extract };
