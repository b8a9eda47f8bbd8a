// Metadata of the helm-chart-dependencies pin kind (Chart.yaml dependencies on Istio charts).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const helmChartDependenciesKind: YamlPinKind = {
  name: 'helm-chart-dependencies',
  description: 'Chart.yaml dependencies[].version on Istio charts',
  filePatterns: ['**/Chart.yaml'],
  role: 'per-pin',
  keywords: ['dependencies'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
