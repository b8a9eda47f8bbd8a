// Turning a YAML scalar that names a retired Istio host into an IstioSource with its exact byte range.
import { isScalar } from 'yaml';
import { retiredHostOf } from '../releases/artifact-hosts.js';
import { itemsAt, linePosition, nodeAt, scalarSource, stringAt } from '../pins/yaml-documents.js';
import type { ParsedFile } from '../pins/yaml-documents.js';
import type { ArtifactKind, IstioSource, SourceKindName } from './types.js';

/** Raw-text pre-filter: a file that holds neither string cannot point at a retired Istio host. */
export const RETIRED_HOST_KEYWORDS: readonly string[] = ['istio-release', 'registry.istio.io'];

export interface SourceMeta {
  kind: SourceKindName;
  artifact: ArtifactKind;
  location: string;
}

/** A source for a scalar whose whole text is a location on a retired host; undefined for anything else. */
export function retiredSourceAt(file: ParsedFile, node: unknown, meta: SourceMeta): IstioSource | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const source = scalarSource(file, node);
  if (!source) return undefined;
  const host = retiredHostOf(meta.artifact, source.text);
  if (!host) return undefined;
  const { line, col } = file.lineCounter
    ? file.lineCounter.linePos(source.offset)
    : linePosition(file.text, source.offset);
  return {
    file: file.path,
    line,
    column: col,
    kind: meta.kind,
    artifact: meta.artifact,
    location: meta.location,
    value: source.text,
    quote: source.quote,
    host,
    start: source.offset,
    end: source.offset + source.text.length,
  };
}

/** `Kind namespace/name` of a document, for locations people read. */
export function objectName(
  kind: string | undefined,
  name: string | undefined,
  namespace: string | undefined,
): string {
  return `${kind ?? 'document'} ${namespace ? `${namespace}/` : ''}${name ?? '(unnamed)'}`;
}

/**
 * The retired-host locations at `field` of each entry of the top-level list `listKey` (Chart.yaml
 * `dependencies[].repository`, helmfile `repositories[].url`, kustomize `helmCharts[].repo`).
 */
export function listFieldSources(
  file: ParsedFile,
  listKey: string,
  field: string,
  meta: Omit<SourceMeta, 'location'>,
): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) {
    itemsAt(document, document.contents, listKey).forEach((entry, index) => {
      const name = stringAt(document, entry, 'name') ?? `#${index}`;
      const source = retiredSourceAt(file, nodeAt(document, entry, field), {
        ...meta,
        location: `${listKey}[${index}].${field} (${name})`,
      });
      if (source) sources.push(source);
    });
  }
  return sources;
}
