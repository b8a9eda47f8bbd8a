// `output: patches` over a JSON6902 sidecar patch (the talk's layout): the patch is replaced by our
// stable strategic-merge patch beside the kustomization that listed it, that entry rewired to the new
// file (comments and the rest kept), and the old file removed, all in the run's one change. A patch
// that also does something else, or that several entries apply, stays and is regenerated in its format.
import { posix } from 'node:path';
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import type { MeshBuild } from '../../mesh/model.js';
import { patchFileName, sidecarPatch, wirePatches } from '../patches.js';
import { isObject, podTemplateOf, type WorkloadKind } from '../workloads.js';
import type { Json6902Sidecar } from './json6902.js';
import { patchReferences } from './patch-files.js';
import { withoutPatchVolumes } from './strategic-merge.js';
import { applySplices, asScalar, asSeq, type Splice } from './yaml-splice.js';

type Json = Record<string, unknown>;

export interface Json6902Migration {
  changes: { path: string; content: string | null; expected: string | null }[];
  /** Targets left to regenerate in their own format, with why. */
  kept: { target: Json6902Sidecar; reason: string }[];
  migrated: { target: Json6902Sidecar; patch: string; injected: Json; native: boolean }[];
}

export async function migrateJson6902(
  build: MeshBuild,
  targets: readonly Json6902Sidecar[],
  inject: (yaml: string, native: boolean, target: Json6902Sidecar) => Promise<string>,
  native: boolean | undefined,
): Promise<Json6902Migration> {
  const result: Json6902Migration = { changes: [], kept: [], migrated: [] };
  const references = patchReferences(build);
  const perFile = new Map<string, number>();
  for (const t of targets) perFile.set(t.file, (perFile.get(t.file) ?? 0) + 1);
  const kustomizations = new Map<string, { text: string; original: string }>();
  for (const target of targets) {
    const refs = references.get(target.file) ?? [];
    const ref = refs[0];
    if (
      !ref ||
      refs.length !== 1 ||
      perFile.get(target.file) !== 1 ||
      ref.field === 'patchesStrategicMerge'
    ) {
      result.kept.push({ target, reason: 'more than one kustomization entry or workload uses it' });
      continue;
    }
    const kind = target.object.kind as WorkloadKind;
    const input = withoutPatchVolumes(target.object.object, opVolumes(target.text));
    const mode = native ?? target.workload.sidecar.state === 'native';
    const injected = parseAllDocuments(await inject(stringify(input), mode, target))
      .map((d) => d.toJS() as unknown)
      .find((o) => isObject(o) && o['kind'] === kind) as Json | undefined;
    const other = injected ? otherOp(target.text, kind, input, injected) : 'the injector gave nothing back';
    if (!injected || other) {
      result.kept.push({ target, reason: other ?? 'the injector gave nothing back' });
      continue;
    }
    const workload = { kind, name: target.workload.name, namespace: target.workload.namespace };
    const patch = sidecarPatch(workload, input, injected);
    if (!patch) continue;
    const dir = posix.dirname(ref.kustomization);
    const name = patchFileName(workload);
    const known = kustomizations.get(ref.kustomization);
    const original = known?.original ?? build.files.text(ref.kustomization) ?? '';
    const rewired = rewire(known?.text ?? original, ref.field, ref.index, name);
    if (rewired === undefined) {
      result.kept.push({ target, reason: `${ref.kustomization} could not be rewired` });
      continue;
    }
    kustomizations.set(ref.kustomization, { text: rewired, original });
    result.changes.push({ path: dir === '.' ? name : posix.join(dir, name), content: patch, expected: null });
    result.changes.push({ path: target.file, content: null, expected: target.text });
    result.migrated.push({
      target,
      patch: dir === '.' ? name : posix.join(dir, name),
      injected,
      native: mode,
    });
  }
  for (const [path, { text, original }] of kustomizations)
    result.changes.push({ path, content: text, expected: original });
  return result;
}

/** The names of the volumes the op list adds. */
function opVolumes(text: string): Set<unknown> {
  const ops = parseDocument(text).toJS() as { path?: string; value?: unknown }[];
  return new Set(
    ops
      .filter((op) => /\/volumes(\/(\d+|-))?$/.test(op.path ?? ''))
      .flatMap((op) => (Array.isArray(op.value) ? op.value : [op.value]))
      .map((v) => (isObject(v) ? v['name'] : undefined)),
  );
}

/** Why the op list is more than the sidecar (an op on anything but the injector's items), if it is. */
function otherOp(text: string, kind: WorkloadKind, input: Json, injected: Json): string | undefined {
  const ops = parseDocument(text).toJS() as { op?: string; path?: string; value?: unknown }[];
  const at = kind === 'Pod' ? '' : kind === 'CronJob' ? '/spec/jobTemplate/spec/template' : '/spec/template';
  const want = podTemplateOf(injected)!;
  const base = podTemplateOf(input)!;
  const owned = (list: string) => {
    const had = new Set(
      (Array.isArray(base.spec[list]) ? base.spec[list] : []).map((i) => isObject(i) && i['name']),
    );
    return new Set(
      (Array.isArray(want.spec[list]) ? want.spec[list] : []).flatMap((i) =>
        isObject(i) && !had.has(i['name']) ? [i['name']] : [],
      ),
    );
  };
  for (const op of ops) {
    const path = op.path ?? '';
    const list = new RegExp(`^${at}/spec/(containers|initContainers|volumes)(?:/(\\d+|-))?$`).exec(path);
    if (list && (op.op === 'add' || op.op === 'replace')) {
      const values = list[2] === undefined && Array.isArray(op.value) ? op.value : [op.value];
      const names = owned(list[1]!);
      if (values.every((v) => isObject(v) && names.has(v['name']))) continue;
    }
    if (new RegExp(`^${at}/metadata/(labels|annotations)(/|$)`).test(path) && op.op !== 'remove') continue;
    return `its op ${op.op ?? '?'} ${path} is not the sidecar's`;
  }
  return undefined;
}

/** The kustomization with entry `index` of `field` pointing at `file` (a `patches` entry) or moved there. */
function rewire(text: string, field: string, index: number, file: string): string | undefined {
  const doc = parseDocument(text);
  const seq = asSeq(doc.get(field, true));
  const item = seq?.items[index] as { range?: [number, number, number] } | undefined;
  if (!seq || seq.flow || !item?.range) return undefined;
  if (field === 'patches') {
    // The entry becomes `path: <ours>`: our patch names its workload, and kustomize leaves the
    // `$setElementOrder` directives of a strategic-merge patch in the output when a target is given.
    const [start, end] = item.range;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return applySplices(text, [{ start, end, text: `path: ${file}${text[end - 1] === '\n' ? eol : ''}` }]);
  }
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  let splice: Splice = { start: lineStart(item.range[0]), end: item.range[1], text: '' };
  if (seq.items.length === 1) {
    // The only entry: the key goes with it.
    const pair = doc.contents && 'items' in doc.contents ? (doc.contents.items as { key: unknown }[]) : [];
    const key = pair.find((p) => asScalar(p.key)?.value === field)?.key as { range?: number[] } | undefined;
    if (!key?.range || !seq.range) return undefined;
    splice = { start: lineStart(key.range[0]!), end: seq.range[1], text: '' };
  }
  return wirePatches(applySplices(text, [splice]), [file]);
}
