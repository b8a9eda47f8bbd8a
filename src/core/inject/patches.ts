// The `patches` output: a strategic-merge patch per workload holding what the injector added to the pod
// template (sidecar and init containers, volumes, annotations, labels), lists keyed by name, never by
// position; and the edit that lists the patch in its directory's kustomization.
import { stringify } from 'yaml';
import { isObject, podTemplatePath, type Workload } from './workloads.js';

type Json = Record<string, unknown>;

/** Lists Kubernetes merges by `name` (strategic merge patch keys). */
const NAMED_LISTS = new Set([
  'containers',
  'initContainers',
  'volumes',
  'env',
  'volumeMounts',
  'imagePullSecrets',
  'ephemeralContainers',
]);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** istioctl's re-serialisation adds empty values (`resources: {}`, `creationTimestamp: null`) that mean nothing. */
function isEmptyValue(value: unknown): boolean {
  return value === null || (isObject(value) && Object.keys(value).length === 0);
}

function nameOf(item: unknown): string | undefined {
  return isObject(item) && typeof item['name'] === 'string' ? item['name'] : undefined;
}

/** What turns `base` into `target` as a strategic merge patch; undefined when nothing does. */
export function strategicMergeDiff(base: unknown, target: unknown, key = ''): unknown {
  if (isObject(base) && isObject(target)) {
    const patch: Json = {};
    for (const [k, value] of Object.entries(target)) {
      if (!(k in base)) {
        if (!isEmptyValue(value)) patch[k] = value;
        continue;
      }
      const diff = strategicMergeDiff(base[k], value, k);
      if (diff !== undefined) patch[k] = diff;
    }
    for (const k of Object.keys(base)) if (!(k in target) && !isEmptyValue(base[k])) patch[k] = null;
    return Object.keys(patch).length > 0 ? patch : undefined;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(target) &&
    NAMED_LISTS.has(key) &&
    [...base, ...target].every(nameOf)
  ) {
    return namedListDiff(base, target);
  }
  return deepEqual(base, target) ? undefined : target;
}

function namedListDiff(base: unknown[], target: unknown[]): unknown {
  const items: unknown[] = [];
  const baseByName = new Map(base.map((item) => [nameOf(item)!, item]));
  const targetNames = target.map((item) => nameOf(item)!);
  for (const item of target) {
    const name = nameOf(item)!;
    const old = baseByName.get(name);
    if (old === undefined) {
      items.push(item);
      continue;
    }
    const diff = strategicMergeDiff(old, item);
    if (diff !== undefined) items.push({ name, ...(diff as Json) });
  }
  for (const name of baseByName.keys())
    if (!targetNames.includes(name)) items.push({ name, $patch: 'delete' });
  // No `$setElementOrder`: kustomize leaves such directives in the rendered pod. It puts new items
  // first, so a container the injector appends lands before the app's (the order only, ADR 0009).
  return items.length > 0 ? items : undefined;
}

/** The patch document for one workload, or undefined when injection changed nothing in its pod template. */
export function sidecarPatch(workload: Workload, source: unknown, injected: unknown): string | undefined {
  if (!isObject(source) || !isObject(injected)) return undefined;
  const path = podTemplatePath(workload.kind);
  let base: unknown = source;
  let target: unknown = injected;
  for (const key of path) {
    base = isObject(base) ? base[key] : undefined;
    target = isObject(target) ? target[key] : undefined;
  }
  const diff = strategicMergeDiff(base ?? {}, target);
  if (diff === undefined) return undefined;
  let body = diff as Json;
  // For a Pod the template is the object: keep only what the injector touches.
  if (path.length === 0)
    body = {
      ...(isObject(body['metadata']) ? { metadata: body['metadata'] } : {}),
      ...(isObject(body['spec']) ? { spec: body['spec'] } : {}),
    };
  for (const key of [...path].reverse()) body = { [key]: body };
  const metadata: Json = {
    name: workload.name,
    ...(workload.namespace ? { namespace: workload.namespace } : {}),
  };
  const bodyMetadata = isObject(body['metadata']) ? body['metadata'] : {};
  const patch = {
    apiVersion: source['apiVersion'],
    kind: workload.kind,
    ...body,
    metadata: { ...bodyMetadata, ...metadata },
  };
  return stringify(patch, { lineWidth: 0 });
}

/** The file name of a workload's patch: stable, and unique per kind, namespace and name in a directory. */
export function patchFileName(workload: Workload): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  const parts = [
    'istio-sidecar',
    workload.kind.toLowerCase(),
    ...(workload.namespace ? [workload.namespace] : []),
    workload.name,
  ];
  return `${parts.map(safe).join('.')}.yaml`;
}

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The kustomization text with `patches: - path: <file>` entries added for the files it does not list
 * yet; undefined when all are listed. Appends to a block `patches:` list, or adds one at the end.
 */
export function wirePatches(kustomization: string, files: readonly string[]): string | undefined {
  const listed = new Set<string>();
  for (const match of kustomization.matchAll(/^\s*-\s+(?:path:\s+)?["']?([^"'\s#]+)["']?\s*(?:#.*)?$/gm))
    listed.add(match[1]!);
  const missing = files.filter((f) => !listed.has(f) && !listed.has(`./${f}`));
  if (missing.length === 0) return undefined;
  const eol = kustomization.includes('\r\n') ? '\r\n' : '\n';
  const lines = kustomization.split(/\r?\n/);
  const keyLine = lines.findIndex((l) => /^patches:\s*(?:#.*)?$/.test(l));
  if (keyLine === -1) {
    if (/^patches:/m.test(kustomization)) return undefined; // a flow list: leave it to the user (reported)
    const base = kustomization === '' || kustomization.endsWith('\n') ? kustomization : kustomization + eol;
    return base + ['patches:', ...missing.map((f) => `- path: ${f}`)].join(eol) + eol;
  }
  let end = keyLine + 1;
  let indent: string | undefined;
  while (end < lines.length) {
    const line = lines[end]!;
    if (/^\s*-/.test(line)) indent ??= /^(\s*)-/.exec(line)![1]!;
    else if (line.trim() !== '' && !/^\s/.test(line) && !line.startsWith('#')) break;
    end++;
  }
  while (end > keyLine + 1 && lines[end - 1]!.trim() === '') end--;
  const added = missing.map((f) => `${indent ?? ''}- path: ${f}`);
  lines.splice(end, 0, ...added);
  return lines.join(eol);
}
