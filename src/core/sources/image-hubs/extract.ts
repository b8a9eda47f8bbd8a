// Image hubs and references anywhere in a YAML document: `hub` (global.hub, IstioOperator spec.hub,
// Sail values), `image`, kustomize `newName` and the proxyImage annotation.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { IstioSource } from '../types.js';
import { resolveNode } from '../../pins/yaml-documents.js';
import type { ParsedFile } from '../../pins/yaml-documents.js';
import { retiredSourceAt } from '../yaml-sources.js';

// `name` in kustomize `images:` is what to match in the manifests, not where to pull from: never moved.
const IMAGE_KEYS = new Set(['hub', 'image', 'newName', 'sidecar.istio.io/proxyImage']);
const MAX_DEPTH = 24;

export function extract(file: ParsedFile): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const document of file.documents) walk(file, document, document.contents, '', 0, sources);
  return sources;
}

function walk(
  file: ParsedFile,
  document: Document,
  node: unknown,
  path: string,
  depth: number,
  out: IstioSource[],
): void {
  if (depth > MAX_DEPTH) return;
  const resolved = resolveNode(document, node);
  if (isMap(resolved)) {
    for (const pair of resolved.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const at = path ? `${path}.${key}` : key;
      if (IMAGE_KEYS.has(key)) {
        const source = retiredSourceAt(file, resolveNode(document, pair.value), {
          kind: 'image-hubs',
          artifact: 'image',
          location: at,
        });
        if (source) out.push(source);
      }
      walk(file, document, pair.value, at, depth + 1, out);
    }
  } else if (isSeq(resolved)) {
    resolved.items.forEach((item, index) => walk(file, document, item, `${path}[${index}]`, depth + 1, out));
  }
}
