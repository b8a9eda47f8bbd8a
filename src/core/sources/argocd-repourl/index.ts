// Metadata of the argocd-repourl source kind (Argo CD chart sources and repository Secrets).
import type { SourceKind } from '../types.js';
import { extract } from './extract.js';

export const argocdRepoUrlKind: SourceKind = {
  name: 'argocd-repourl',
  description:
    'Argo CD Application/ApplicationSet source(s).repoURL and repository Secret stringData.url on a retired Istio host',
  filePatterns: ['**/*.{yaml,yml}'],
  extract,
};
export { extract };
