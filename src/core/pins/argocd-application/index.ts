// Metadata of the argocd-application pin kind (Argo CD Applications and ApplicationSets of Istio charts).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const argocdApplicationKind: YamlPinKind = {
  name: 'argocd-application',
  description:
    'Argo CD Application/ApplicationSet targetRevision of Istio chart sources (source and sources)',
  filePatterns: ['**/*.{yaml,yml}'],
  role: 'per-pin',
  keywords: ['targetRevision'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
