// Helm Chart.yaml: dependencies[].repository of an umbrella chart that pulls Istio's charts.
import type { IstioSource } from '../types.js';
import { itemsAt, stringAt } from '../../pins/yaml-documents.js';
import { nodeAt } from '../../pins/yaml-documents.js';
import type { ParsedFile } from '../../pins/yaml-documents.js';
import { retiredSourceAt } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) {
    itemsAt(document, document.contents, 'dependencies').forEach((dependency, index) => {
      const name = stringAt(document, dependency, 'name') ?? `#${index}`;
      const source = retiredSourceAt(file, nodeAt(document, dependency, 'repository'), {
        kind: 'helm-chart-repository',
        artifact: 'chart',
        location: `dependencies[${index}].repository (${name})`,
      });
      if (source) sources.push(source);
    });
  }
  return sources;
}
