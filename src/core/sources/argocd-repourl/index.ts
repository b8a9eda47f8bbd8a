// Metadata of the argocd-repourl source kind (Argo CD chart sources and repository Secrets).
import type { YamlSourceKind } from '../types.js';
import { extract } from './extract.js';

export const argocdRepoUrlKind: YamlSourceKind = {
  name: 'argocd-repourl',
  description:
    'Argo CD Application/ApplicationSet source(s).repoURL and repository Secret stringData.url on a retired Istio host',
  filePatterns: ['**/*.{yaml,yml}'],
  input: 'yaml',
  extract,
};
export { extract };
