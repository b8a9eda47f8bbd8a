// kustomize: helmCharts[].repo of a kustomization that inflates Istio's charts.
import type { IstioSource } from '../types.js';
import { itemsAt, nodeAt, stringAt } from '../../pins/yaml-documents.js';
import type { ParsedFile } from '../../pins/yaml-documents.js';
import { retiredSourceAt } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) {
    itemsAt(document, document.contents, 'helmCharts').forEach((chart, index) => {
      const name = stringAt(document, chart, 'name') ?? `#${index}`;
      const source = retiredSourceAt(file, nodeAt(document, chart, 'repo'), {
        kind: 'kustomize-helm-charts',
        artifact: 'chart',
        location: `helmCharts[${index}].repo (${name})`,
      });
      if (source) sources.push(source);
    });
  }
  return sources;
}
