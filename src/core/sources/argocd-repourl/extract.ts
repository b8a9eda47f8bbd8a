// Argo CD: repoURL of Application and ApplicationSet sources, and repository Secrets' stringData.url.
import type { Document, Node } from 'yaml';
import type { IstioSource } from '../types.js';
import { itemsAt, nodeAt, resourceKind, stringAt } from '../../pins/yaml-documents.js';
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
    if (!apiVersion?.startsWith('argoproj.io/')) continue;
    const specPath =
      kind === 'Application'
        ? ['spec']
        : kind === 'ApplicationSet'
          ? ['spec', 'template', 'spec']
          : undefined;
    if (!specPath) continue;
    const spec = nodeAt(document, document.contents, ...specPath);
    const prefix = `${label} ${specPath.join('.')}`;
    const single = nodeAt(document, spec, 'source');
    if (single) pushRepoUrl(sources, file, document, single, `${prefix}.source`);
    itemsAt(document, spec, 'sources').forEach((source, index) =>
      pushRepoUrl(sources, file, document, source, `${prefix}.sources[${index}]`),
    );
  }
  return sources;
}

function pushRepoUrl(
  sources: IstioSource[],
  file: ParsedFile,
  document: Document,
  source: Node,
  at: string,
): void {
  push(sources, file, nodeAt(document, source, 'repoURL'), `${at}.repoURL`);
}

function push(sources: IstioSource[], file: ParsedFile, node: unknown, location: string): void {
  const source = retiredSourceAt(file, node, { kind: 'argocd-repourl', artifact: 'chart', location });
  if (source) sources.push(source);
}
