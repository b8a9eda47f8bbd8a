// Flux sources: HelmRepository.spec.url (HTTP or `type: oci`) and OCIRepository.spec.url.
import type { IstioSource } from '../types.js';
import { nodeAt, resourceKind, stringAt } from '../../pins/yaml-documents.js';
import type { ParsedFile } from '../../pins/yaml-documents.js';
import { objectName, retiredSourceAt } from '../yaml-sources.js';

const KINDS = new Set(['HelmRepository', 'OCIRepository']);

export function extract(file: ParsedFile): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) {
    const { kind, apiVersion, name } = resourceKind(document);
    if (!apiVersion?.startsWith('source.toolkit.fluxcd.io/') || !kind || !KINDS.has(kind)) continue;
    const namespace = stringAt(document, document.contents, 'metadata', 'namespace');
    const source = retiredSourceAt(file, nodeAt(document, document.contents, 'spec', 'url'), {
      kind: 'flux-sources',
      artifact: 'chart',
      location: `${objectName(kind, name, namespace)} spec.url`,
    });
    if (source) sources.push(source);
  }
  return sources;
}
