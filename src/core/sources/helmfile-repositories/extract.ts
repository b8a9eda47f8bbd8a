// helmfile: repositories[].url, and releases[].chart written as a full OCI reference.
import type { IstioSource } from '../types.js';
import { itemsAt, nodeAt, stringAt } from '../../pins/yaml-documents.js';
import type { ParsedFile } from '../../pins/yaml-documents.js';
import { retiredSourceAt } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) {
    itemsAt(document, document.contents, 'repositories').forEach((repository, index) => {
      const name = stringAt(document, repository, 'name') ?? `#${index}`;
      const source = retiredSourceAt(file, nodeAt(document, repository, 'url'), {
        kind: 'helmfile-repositories',
        artifact: 'chart',
        location: `repositories[${index}].url (${name})`,
      });
      if (source) sources.push(source);
    });
    itemsAt(document, document.contents, 'releases').forEach((release, index) => {
      const name = stringAt(document, release, 'name') ?? `#${index}`;
      const source = retiredSourceAt(file, nodeAt(document, release, 'chart'), {
        kind: 'helmfile-repositories',
        artifact: 'chart',
        location: `releases[${index}].chart (${name})`,
      });
      if (source) sources.push(source);
    });
  }
  return sources;
}
