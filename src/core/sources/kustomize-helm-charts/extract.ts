// kustomize: helmCharts[].repo of a kustomization that inflates Istio's charts.
import type { ParsedFile } from '../../pins/yaml-documents.js';
import type { IstioSource } from '../types.js';
import { listFieldSources } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  return listFieldSources(file, 'helmCharts', 'repo', { kind: 'kustomize-helm-charts', artifact: 'chart' });
}
