// Sidecars kept in kustomize strategic-merge patches (a patch document of the workload's kind whose pod
// template adds istio-proxy, istio-init, the injector's volumes and annotations): the rendered workload
// without them is injected afresh and the patch regenerated in place, each item the injector owns
// replaced by its new value, the ones it lacks appended, edited at their source ranges only.
import { parseAllDocuments, stringify, type Document } from 'yaml';
import type { MeshBuild } from '../../mesh/model.js';
import type { WorkloadResult } from '../types.js';
import { isObject, podTemplateOf, sidecarOf, type WorkloadKind } from '../workloads.js';
import { patchSidecars, uninjected, type Json6902Result, type Json6902Sidecar } from './json6902.js';
import {
  appendEntries,
  appendItems,
  applySplices,
  asMap,
  asScalar,
  asSeq,
  replaceItem,
  replaceScalar,
  updateNode,
  type Splice,
} from './yaml-splice.js';

const STATUS = 'sidecar.istio.io/status';
const INJECT = 'sidecar.istio.io/inject';
const LISTS = ['initContainers', 'containers', 'volumes'] as const;
type Json = Record<string, unknown>;

/** Workloads whose istio-proxy a strategic-merge patch file adds. */
export function strategicMergeSidecars(build: MeshBuild): Json6902Sidecar[] {
  return patchSidecars(
    build,
    (text, workload) => patchDocument(text, workload.kind, workload.name) !== undefined,
  );
}

function templatePath(kind: string): string[] {
  return kind === 'Pod'
    ? []
    : kind === 'CronJob'
      ? ['spec', 'jobTemplate', 'spec', 'template']
      : ['spec', 'template'];
}

/** The document of the file that patches the workload: its kind, and its name unless it is the only one. */
function patchDocument(text: string, kind: string, name: string): Document | undefined {
  const docs = (parseAllDocuments(text) as Document[]).filter(
    (d) => d.errors.length === 0 && d.get('kind') === kind,
  );
  const doc =
    docs.find((d) => d.getIn(['metadata', 'name']) === name) ?? (docs.length === 1 ? docs[0] : undefined);
  return doc && asMap(doc.getIn([...templatePath(kind), 'spec'], true)) ? doc : undefined;
}

const items = (spec: Json | undefined, list: string): Json[] =>
  Array.isArray(spec?.[list]) ? (spec[list] as unknown[]).filter(isObject) : [];

/**
 * The rendered workload as istioctl should get it: no sidecar, no status, no opt-out, and none of the
 * injector's volumes the patch adds (named by the old status, or by the patch's other sidecar items).
 */
export function strategicMergeInput(rendered: Json, patch: Json): Json {
  return withoutPatchVolumes(
    rendered,
    new Set(items(podTemplateOf(patch)?.spec, 'volumes').map((v) => v['name'])),
  );
}

/** `uninjected`, also without the volumes a sidecar patch adds (`patched`) that the old status names. */
export function withoutPatchVolumes(rendered: Json, patched: ReadonlySet<unknown>): Json {
  const copy = uninjected({ object: rendered } as never);
  const template = podTemplateOf(copy);
  const status = podTemplateOf(rendered)?.metadata['annotations'];
  const old = isObject(status) && typeof status[STATUS] === 'string' ? safeJson(status[STATUS]) : undefined;
  const owned = new Set(Array.isArray(old?.['volumes']) ? (old['volumes'] as unknown[]) : []);
  if (template && Array.isArray(template.spec['volumes']))
    template.spec['volumes'] = items(template.spec, 'volumes').filter(
      (v) => !(patched.has(v['name']) && (owned.size === 0 || owned.has(v['name']))),
    );
  return copy;
}

function safeJson(text: string): Json | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The patch file with its sidecar items and pod metadata regenerated from `injected` (the workload as
 * istioctl returned it from `input`); undefined when it already says the same.
 */
export function regeneratedStrategicMerge(
  text: string,
  kind: WorkloadKind,
  name: string,
  input: Json,
  injected: Json,
  /** Filled with the injector's pod labels and annotations a patch without pod metadata lacks. */
  leftOut: string[] = [],
): string | undefined {
  const doc = patchDocument(text, kind, name);
  const want = podTemplateOf(injected);
  const base = podTemplateOf(input);
  if (!doc || !want || !base) return undefined;
  const at = templatePath(kind);
  const spec = asMap(doc.getIn([...at, 'spec'], true))!;
  const splices: Splice[] = [];
  const newLists: Json = {};
  for (const list of LISTS) {
    const had = new Set(items(base.spec, list).map((i) => i['name']));
    const owned = items(want.spec, list).filter((i) => !had.has(i['name']));
    const seq = asSeq(spec.get(list, true));
    const covered = new Set<unknown>();
    for (const item of seq?.items ?? []) {
      const node = asMap(item);
      const fresh = owned.find((o) => o['name'] === node?.get('name'));
      if (!node || !fresh) continue;
      covered.add(fresh['name']);
      if (JSON.stringify(node.toJSON()) === JSON.stringify(fresh)) continue;
      const edits = updateNode(text, node, fresh) ?? [replaceItem(text, seq!, node, fresh)];
      for (const edit of edits) if (edit) splices.push(edit);
    }
    const missing = owned.filter((o) => !covered.has(o['name']));
    if (missing.length === 0) continue;
    const edit = seq ? appendItems(text, seq, missing) : undefined;
    if (edit) splices.push(edit);
    else newLists[list] = missing;
  }
  const added = appendEntries(text, spec, newLists);
  if (added) splices.push(added);
  splices.push(...metadataSplices(text, doc, at, base.metadata, want.metadata, leftOut));
  const next = applySplices(text, splices);
  return next === text ? undefined : next;
}

/** Every pod label and annotation the patch sets gets the injector's value; the rest are added or named. */
function metadataSplices(
  text: string,
  doc: Document,
  at: string[],
  have: Json,
  want: Json,
  leftOut: string[],
): Splice[] {
  const metadata = asMap(doc.getIn([...at, 'metadata'], true));
  const splices: Splice[] = [];
  const newMaps: Json = {};
  for (const map of ['labels', 'annotations'] as const) {
    const wanted = isObject(want[map]) ? want[map] : {};
    const had = isObject(have[map]) ? have[map] : {};
    const node = asMap(metadata?.get(map, true));
    const changed = Object.keys(wanted).filter(
      (k) => k !== INJECT && JSON.stringify(wanted[k]) !== JSON.stringify(had[k]),
    );
    const covered = new Set<string>();
    for (const pair of node?.items ?? []) {
      const key = String(asScalar(pair.key)?.value);
      covered.add(key);
      const value = asScalar(pair.value);
      if (!(key in wanted) || !value || JSON.stringify(value.value) === JSON.stringify(wanted[key])) continue;
      const edit = replaceScalar(value, wanted[key]);
      if (edit) splices.push(edit);
    }
    const missing = Object.fromEntries(changed.filter((k) => !covered.has(k)).map((k) => [k, wanted[k]]));
    if (Object.keys(missing).length === 0) continue;
    if (!metadata) {
      leftOut.push(...Object.keys(missing).map((k) => `${map === 'labels' ? 'label' : 'annotation'} ${k}`));
      continue;
    }
    const edit = node ? appendEntries(text, node, missing) : undefined;
    if (edit) splices.push(edit);
    else newMaps[map] = missing;
  }
  const added = metadata ? appendEntries(text, metadata, newMaps) : undefined;
  if (added) splices.push(added);
  return splices;
}

/** What regenerating the patches gives, as for JSON6902 patches. */
export type StrategicMergeResult = Json6902Result;

/** Regenerates each strategic-merge sidecar patch; `inject` runs the injector over one workload. */
export async function strategicMergeChanges(
  targets: readonly Json6902Sidecar[],
  inject: (yaml: string, native: boolean, target: Json6902Sidecar) => Promise<string>,
  native: boolean | undefined,
): Promise<StrategicMergeResult> {
  const result: StrategicMergeResult = { changes: [], workloads: [], metadataLeftOut: [] };
  const texts = new Map<string, string>();
  for (const target of targets) {
    const kind = target.object.kind as WorkloadKind;
    const text = texts.get(target.file) ?? target.text;
    const patch = patchDocument(text, kind, target.workload.name)?.toJS() as Json | undefined;
    if (!patch) continue;
    const mode = native ?? target.workload.sidecar.state === 'native';
    const input = strategicMergeInput(target.object.object, patch);
    const output = await inject(stringify(input), mode, target);
    const injected = parseAllDocuments(output)
      .map((d) => d.toJS() as unknown)
      .find((o) => isObject(o) && o['kind'] === kind) as Json | undefined;
    if (!injected) continue;
    const leftOut: string[] = [];
    const next = regeneratedStrategicMerge(text, kind, target.workload.name, input, injected, leftOut);
    if (leftOut.length > 0)
      result.metadataLeftOut.push({ file: target.file, line: target.line, fields: leftOut });
    if (next !== undefined) texts.set(target.file, next);
    result.workloads.push(patchWorkloadResult(target, kind, injected, next !== undefined, mode));
  }
  for (const [path, content] of texts)
    result.changes.push({ path, content, expected: targets.find((t) => t.file === path)!.text });
  return result;
}

/** The result line of a workload whose sidecar a patch file holds. */
export function patchWorkloadResult(
  target: Json6902Sidecar,
  kind: WorkloadKind,
  injected: Json,
  changed: boolean,
  native: boolean,
  origin = 'strategic-merge patch',
): WorkloadResult {
  const to = sidecarOf(injected);
  const from = target.workload.sidecar;
  return {
    kind,
    name: target.workload.name,
    namespace: target.workload.namespace,
    file: target.file,
    line: target.line,
    document: 0,
    status: changed ? 'injected' : 'unchanged',
    from: {
      ...(from.image ? { proxyImage: from.image } : {}),
      ...(from.revision ? { revision: from.revision } : {}),
      mode: from.state === 'native' ? 'native' : 'classic',
    },
    to: { ...(to ?? {}), mode: native ? 'native' : 'classic' },
    origin,
  };
}
