// Metadata of the kustomize-helm-charts source kind.
import type { YamlSourceKind } from '../types.js';
import { extract } from './extract.js';

export const kustomizeHelmChartsKind: YamlSourceKind = {
  name: 'kustomize-helm-charts',
  description: 'kustomization helmCharts[].repo on a retired Istio host',
  filePatterns: ['**/kustomization.{yaml,yml}', '**/Kustomization'],
  input: 'yaml',
  extract,
};
export { extract };
