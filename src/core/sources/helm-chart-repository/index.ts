// Metadata of the helm-chart-repository source kind (Chart.yaml dependency repositories).
import type { YamlSourceKind } from '../types.js';
import { extract } from './extract.js';

export const helmChartRepositoryKind: YamlSourceKind = {
  name: 'helm-chart-repository',
  description: 'Chart.yaml dependencies[].repository on a retired Istio host',
  filePatterns: ['**/Chart.yaml'],
  input: 'yaml',
  extract,
};
export { extract };
