// Helm values files for Istio charts: global.tag (istiod, base, gateway, cni) or top-level tag (ztunnel).
import { isMap, isScalar } from 'yaml';
import type { Document } from 'yaml';
import type { KindFileResult } from '../kind.js';
import type { Pin, PinRole } from '../types.js';
import { nodeAt, stringAt, versionScalarPin } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

/** Top-level keys that only Istio charts' values have. */
const ISTIO_VALUE_KEYS = new Set([
  'pilot',
  'istiod',
  'meshConfig',
  'sidecarInjectorWebhook',
  'istio_cni',
  'ztunnel',
  'cni',
  'revisionTags',
]);

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    const root = document.contents;
    if (!isMap(root) || !looksLikeIstioValues(document, file.path)) continue;
    const role: PinRole =
      /ztunnel|cni/i.test(file.path) || nodeAt(document, root, 'cni') ? 'data-plane' : 'control-plane';
    const revision = stringAt(document, root, 'revision');
    const meta = { kind: 'helm-values' as const, role, ...(revision ? { revision } : {}) };
    const globalTag = versionScalarPin(file, nodeAt(document, root, 'global', 'tag'), {
      ...meta,
      location: 'global.tag',
    });
    if (globalTag) pins.push(globalTag);
    const topTag = versionScalarPin(file, nodeAt(document, root, 'tag'), { ...meta, location: 'tag' });
    if (topTag) pins.push(topTag);
  }
  return { pins };
}

function looksLikeIstioValues(document: Document, path: string): boolean {
  const root = document.contents;
  if (!isMap(root)) return false;
  const hubs = [stringAt(document, root, 'global', 'hub'), stringAt(document, root, 'hub')];
  if (hubs.some((hub) => hub?.includes('istio'))) return true;
  if (root.items.some((pair) => isScalar(pair.key) && ISTIO_VALUE_KEYS.has(String(pair.key.value))))
    return true;
  return /istio/i.test(path);
}
