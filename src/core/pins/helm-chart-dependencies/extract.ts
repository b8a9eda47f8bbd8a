// Chart.yaml pins: dependencies on Istio charts (an umbrella chart that wraps istiod, base, ...).
import type { KindFileResult } from '../kind.js';
import { istioChartRole } from '../istio-charts.js';
import type { Pin } from '../types.js';
import { itemsAt, nodeAt, stringAt, versionScalarPin } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    itemsAt(document, document.contents, 'dependencies').forEach((dependency, index) => {
      const name = stringAt(document, dependency, 'name');
      const role = istioChartRole(name, stringAt(document, dependency, 'repository'));
      if (!role) return;
      const pin = versionScalarPin(file, nodeAt(document, dependency, 'version'), {
        kind: 'helm-chart-dependencies',
        role,
        location: `dependencies[${index}].version (${name})`,
      });
      if (pin) pins.push(pin);
    });
  }
  return { pins };
}
