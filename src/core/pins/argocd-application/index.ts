// Metadata of the argocd-application pin kind (Argo CD Applications and ApplicationSets of Istio charts).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** Argo CD Application/ApplicationSet targetRevision of Istio chart sources (source and sources) */
export const argocdApplicationKind: YamlPinKind<'argocd-application'> = {
  name: 'argocd-application',
  filePatterns: ['**/*.{yaml,yml}'],
  keywords: ['targetRevision'],
  input: 'yaml',
  extract,
};
export { extract };
