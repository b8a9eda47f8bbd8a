// Metadata of the kustomize-helm-charts source kind.
import type { SourceKind } from '../types.js';
import { extract } from './extract.js';

export const kustomizeHelmChartsKind: SourceKind = {
  name: 'kustomize-helm-charts',
  description: 'kustomization helmCharts[].repo on a retired Istio host',
  filePatterns: ['**/kustomization.{yaml,yml}', '**/Kustomization'],
  extract,
};
export { extract };
