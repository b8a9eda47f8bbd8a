// Argo CD: repoURL of Application and ApplicationSet sources, and repository Secrets' stringData.url.
import type { IstioSource } from '../types.js';
import { argocdSourceNodes } from '../../pins/argocd-application/extract.js';
import { nodeAt, resourceKind, stringAt } from '../../pins/yaml-documents.js';
import type { ParsedFile } from '../../pins/yaml-documents.js';
import { objectName, retiredSourceAt } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) {
    const { kind, apiVersion, name } = resourceKind(document);
    const namespace = stringAt(document, document.contents, 'metadata', 'namespace');
    const label = objectName(kind, name, namespace);
    if (kind === 'Secret' && apiVersion === 'v1') {
      const type = stringAt(
        document,
        document.contents,
        'metadata',
        'labels',
        'argocd.argoproj.io/secret-type',
      );
      if (type !== 'repository' && type !== 'repo-creds') continue;
      push(
        sources,
        file,
        nodeAt(document, document.contents, 'stringData', 'url'),
        `${label} stringData.url`,
      );
      continue;
    }
    for (const { source, location } of argocdSourceNodes(document)) {
      push(sources, file, nodeAt(document, source, 'repoURL'), `${label} ${location}.repoURL`);
    }
  }
  return sources;
}

function push(sources: IstioSource[], file: ParsedFile, node: unknown, location: string): void {
  const source = retiredSourceAt(file, node, { kind: 'argocd-repourl', artifact: 'chart', location });
  if (source) sources.push(source);
}
