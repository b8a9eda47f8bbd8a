// Metadata of the helm-chart-dependencies pin kind (Chart.yaml dependencies on Istio charts).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** Chart.yaml dependencies[].version on Istio charts */
export const helmChartDependenciesKind: YamlPinKind<'helm-chart-dependencies'> = {
  name: 'helm-chart-dependencies',
  filePatterns: ['**/Chart.yaml'],
  keywords: ['dependencies'],
  input: 'yaml',
  extract,
};
export { extract };
