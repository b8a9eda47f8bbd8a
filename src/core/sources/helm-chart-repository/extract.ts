// Helm Chart.yaml: dependencies[].repository of an umbrella chart that pulls Istio's charts.
import type { ParsedFile } from '../../pins/yaml-documents.js';
import type { IstioSource } from '../types.js';
import { listFieldSources } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  return listFieldSources(file, 'dependencies', 'repository', {
    kind: 'helm-chart-repository',
    artifact: 'chart',
  });
}
