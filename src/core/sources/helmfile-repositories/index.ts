// Metadata of the helmfile-repositories source kind.
import type { YamlSourceKind } from '../types.js';
import { extract } from './extract.js';

export const helmfileRepositoriesKind: YamlSourceKind = {
  name: 'helmfile-repositories',
  description: 'helmfile repositories[].url and OCI releases[].chart on a retired Istio host',
  filePatterns: ['**/helmfile*.{yaml,yml}', '**/helmfile.d/**/*.{yaml,yml}'],
  input: 'yaml',
  extract,
};
export { extract };
