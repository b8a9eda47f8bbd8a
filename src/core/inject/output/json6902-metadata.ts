// The pod template's labels and annotations in a JSON6902 sidecar patch, as the injector sets them
// (status, istio.io/rev, tlsMode, canonical-*, prometheus, default-container).
import { isMap, isSeq, type Document, type YAMLSeq } from 'yaml';
import { isObject, podTemplateOf, type WorkloadKind } from '../workloads.js';

const INJECT = 'sidecar.istio.io/inject';
const MAPS = ['labels', 'annotations'] as const;

type Json = Record<string, unknown>;

interface MetadataPatch {
  doc: Document;
  ops: YAMLSeq;
  prefix: string;
  want: Json;
  have: Json;
  /** What the injector changes: keys whose value differs from the workload as rendered without it. */
  changes: Map<string, Set<string>>;
  /** Keys some op of the patch sets. */
  covered: Map<string, Set<string>>;
  touchesMetadata: boolean;
  changed: boolean;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (key: string) => key.replace(/~1/g, '/').replace(/~0/g, '~');
const wanted = (p: MetadataPatch, map: string): Json => (isObject(p.want[map]) ? (p.want[map] as Json) : {});
const had = (p: MetadataPatch, map: string): Json => (isObject(p.have[map]) ? (p.have[map] as Json) : {});

/**
 * Every op of the patch that sets one of those gets the injector's value; the ones it lacks are
 * appended when the patch already carries pod metadata, else named in `leftOut` (the user's layout
 * keeps them out of the patch). True when anything changed.
 */
export function metadataOps(
  doc: Document,
  kind: WorkloadKind,
  rendered: Json,
  injected: Json,
  leftOut: string[],
): boolean {
  const ops = doc.contents;
  const want = podTemplateOf(injected)?.metadata;
  const have = podTemplateOf(rendered)?.metadata;
  if (!isSeq(ops) || !want || !have) return false;
  const prefix =
    kind === 'Pod'
      ? '/metadata'
      : kind === 'CronJob'
        ? '/spec/jobTemplate/spec/template/metadata'
        : '/spec/template/metadata';
  const patch: MetadataPatch = {
    doc,
    ops,
    prefix,
    want,
    have,
    changes: new Map(),
    covered: new Map(MAPS.map((m) => [m, new Set<string>()])),
    touchesMetadata: false,
    changed: false,
  };
  for (const m of MAPS) {
    const differs = (k: string) => JSON.stringify(wanted(patch, m)[k]) !== JSON.stringify(had(patch, m)[k]);
    patch.changes.set(m, new Set(Object.keys(wanted(patch, m)).filter((k) => k !== INJECT && differs(k))));
  }
  ops.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const op = item.toJSON() as { op?: string; path?: string; value?: unknown };
    if (op.op === 'add' || op.op === 'replace') regenerateOp(patch, op, index);
  });
  appendMissing(patch, leftOut);
  return patch.changed;
}

function regenerateOp(patch: MetadataPatch, op: { path?: string; value?: unknown }, index: number): void {
  const { doc, prefix } = patch;
  // The whole pod metadata object: each of its maps as a whole-map op; a missing one is added.
  if (op.path === prefix && isObject(op.value)) {
    patch.touchesMetadata = true;
    for (const map of MAPS) {
      const value = op.value[map];
      const changes = patch.changes.get(map)!;
      if (isObject(value)) wholeMap(patch, map, [index, 'value', map], value);
      else if (changes.size > 0) {
        const fresh = Object.fromEntries([...changes].map((k) => [k, wanted(patch, map)[k]]));
        for (const key of changes) patch.covered.get(map)!.add(key);
        doc.setIn([index, 'value', map], doc.createNode(fresh));
        patch.changed = true;
      }
    }
    return;
  }
  const match = /^(.*)\/(labels|annotations)(?:\/(.+))?$/.exec(op.path ?? '');
  if (!match || match[1] !== prefix) return;
  patch.touchesMetadata = true;
  const map = match[2]!;
  if (match[3] !== undefined) {
    const key = unescapePointer(match[3]);
    patch.covered.get(map)!.add(key);
    const want = wanted(patch, map);
    if (!(key in want) || JSON.stringify(want[key]) === JSON.stringify(op.value)) return;
    doc.setIn([index, 'value'], want[key]);
    patch.changed = true;
    return;
  }
  if (isObject(op.value)) wholeMap(patch, map, [index, 'value'], op.value);
}

/** A whole labels/annotations map the op sets: its keys the injector sets get its values. */
function wholeMap(patch: MetadataPatch, map: string, at: (string | number)[], value: Json): void {
  const covered = patch.covered.get(map)!;
  const changes = patch.changes.get(map)!;
  const want = wanted(patch, map);
  for (const key of Object.keys(value)) covered.add(key);
  for (const key of changes) covered.add(key);
  const next = { ...value };
  for (const key of Object.keys(next)) if (key in want) next[key] = want[key];
  for (const key of changes) next[key] = want[key];
  for (const [key, v] of Object.entries(next))
    if (JSON.stringify(v) !== JSON.stringify(value[key])) {
      patch.doc.setIn([...at, key], v);
      patch.changed = true;
    }
}

/** The injector's keys no op sets: appended as ops when the patch carries pod metadata, else left out. */
function appendMissing(patch: MetadataPatch, leftOut: string[]): void {
  const { doc, ops, prefix } = patch;
  for (const map of MAPS) {
    const missing = [...patch.changes.get(map)!].filter((k) => !patch.covered.get(map)!.has(k));
    if (missing.length === 0) continue;
    if (!patch.touchesMetadata) {
      leftOut.push(...missing.map((k) => `${map === 'labels' ? 'label' : 'annotation'} ${k}`));
      continue;
    }
    patch.changed = true;
    const want = wanted(patch, map);
    if (!isObject(patch.have[map]))
      ops.items.push(
        doc.createNode({
          op: 'add',
          path: `${prefix}/${map}`,
          value: Object.fromEntries(missing.map((k) => [k, want[k]])),
        }) as never,
      );
    else
      for (const key of missing)
        ops.items.push(
          doc.createNode({
            op: 'add',
            path: `${prefix}/${map}/${escapePointer(key)}`,
            value: want[key],
          }) as never,
        );
  }
}
