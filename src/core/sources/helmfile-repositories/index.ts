// Metadata of the helmfile-repositories source kind.
import type { SourceKind } from '../types.js';
import { extract } from './extract.js';

export const helmfileRepositoriesKind: SourceKind = {
  name: 'helmfile-repositories',
  description: 'helmfile repositories[].url and OCI releases[].chart on a retired Istio host',
  filePatterns: ['**/helmfile*.{yaml,yml}', '**/helmfile.d/**/*.{yaml,yml}'],
  extract,
};
export { extract };
