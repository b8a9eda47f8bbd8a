// Sidecars kept in JSON6902 patches (the talk's layout: the base says inject "false", a patch adds
// istio-proxy): the rendered workload is injected afresh and the patch regenerated in its own format,
// each op's value replaced by the injector's item of the same name, missing volumes and init
// containers appended as further ops. Comments and every other op stay as they are.
import { isMap, isSeq, parseAllDocuments, parseDocument, stringify, type Document, type YAMLSeq } from 'yaml';
import type { MeshBuild } from '../../mesh/model.js';
import type { RenderedObject, Workload as MeshWorkload } from '../../mesh/types.js';
import type { WorkloadResult } from '../types.js';
import { isObject, podTemplateOf, sidecarOf, type WorkloadKind } from '../workloads.js';
import { metadataOps } from './json6902-metadata.js';

const STATUS = 'sidecar.istio.io/status';
const INJECT = 'sidecar.istio.io/inject';
const LISTS = ['containers', 'initContainers', 'volumes'] as const;

export interface Json6902Sidecar {
  /** The patch file (workspace-relative) that adds the sidecar. */
  file: string;
  line: number;
  text: string;
  workload: MeshWorkload;
  object: RenderedObject;
}

/** Workloads whose istio-proxy a JSON6902 patch file adds. */
export function json6902Sidecars(build: MeshBuild): Json6902Sidecar[] {
  return patchSidecars(build, isOpList);
}

/** Workloads whose istio-proxy a patch file (that `accept` takes) adds, once per file and workload. */
export function patchSidecars(
  build: MeshBuild,
  accept: (text: string, workload: MeshWorkload) => boolean,
): Json6902Sidecar[] {
  const out: Json6902Sidecar[] = [];
  const seen = new Set<string>();
  for (const cluster of build.model.clusters)
    for (const workload of cluster.workloads) {
      const source = workload.sidecar.source;
      if (workload.sidecar.origin !== 'patch' && workload.sidecar.origin !== 'overlay') continue;
      if (!source || workload.sidecar.count !== 1) continue;
      const text = build.files.text(source.file);
      if (text === undefined || !accept(text, workload)) continue;
      const key = `${source.file}\0${workload.kind}\0${workload.namespace}/${workload.name}`;
      if (seen.has(key)) continue;
      const object = cluster.objects.find(
        (o) =>
          o.kind === workload.kind &&
          o.name === workload.name &&
          (o.namespace ?? 'default') === workload.namespace &&
          o.root === workload.root,
      );
      if (!object) continue;
      seen.add(key);
      out.push({ file: source.file, line: source.line, text, workload, object });
    }
  return out;
}

function isOpList(text: string): boolean {
  const doc = parseDocument(text);
  const ops = doc.toJS() as unknown;
  return (
    Array.isArray(ops) && ops.length > 0 && ops.every((op) => isObject(op) && typeof op['op'] === 'string')
  );
}

/** The rendered workload as istioctl should get it: no sidecar, no status, no opt-out of the base. */
export function uninjected(object: RenderedObject): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(object.object)) as Record<string, unknown>;
  const template = podTemplateOf(copy);
  if (!template) return copy;
  for (const list of ['containers', 'initContainers'])
    if (Array.isArray(template.spec[list]))
      template.spec[list] = (template.spec[list] as unknown[]).filter(
        (c) => !(isObject(c) && (c['name'] === 'istio-proxy' || c['name'] === 'istio-init')),
      );
  const annotations = template.metadata['annotations'];
  if (isObject(annotations)) {
    delete annotations[STATUS];
    delete annotations[INJECT];
  }
  const labels = template.metadata['labels'];
  if (isObject(labels)) delete labels[INJECT];
  return copy;
}

/**
 * The patch with every sidecar item regenerated from `injected` (the workload as istioctl returned
 * it); undefined when it already says the same.
 */
export function regeneratedPatch(
  text: string,
  kind: WorkloadKind,
  rendered: Record<string, unknown>,
  injected: Record<string, unknown>,
  /** Filled with the injector's pod labels and annotations the patch does not carry (and was not given). */
  leftOut: string[] = [],
): string | undefined {
  const spec = podTemplateOf(injected)?.spec;
  const renderedSpec = podTemplateOf(rendered)?.spec;
  if (!spec || !renderedSpec) return undefined;
  const prefix =
    kind === 'Pod'
      ? '/spec'
      : kind === 'CronJob'
        ? '/spec/jobTemplate/spec/template/spec'
        : '/spec/template/spec';
  const doc: Document = parseDocument(text);
  const ops = doc.contents;
  if (!isSeq(ops)) return undefined;
  const covered = new Map<string, Set<unknown>>(LISTS.map((l) => [l, new Set<unknown>()]));
  let changed = false;
  ops.items.forEach((item, index) => {
    if (isMap(item) && regeneratedItems(doc, item.toJSON() as PatchOp, index, prefix, spec, covered))
      changed = true;
  });
  if (appendedItems(doc, ops, prefix, spec, renderedSpec, covered)) changed = true;
  if (metadataOps(doc, kind, rendered, injected, leftOut)) changed = true;
  return changed ? doc.toString() : undefined;
}

type PatchOp = { op?: string; path?: string; value?: unknown };
type Spec = Record<string, unknown>;

const listOf = (spec: Spec, list: string): unknown[] =>
  Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [];

/** An op that adds or replaces sidecar items: each gets the injector's item of the same name. */
function regeneratedItems(
  doc: Document,
  op: PatchOp,
  index: number,
  prefix: string,
  spec: Spec,
  covered: Map<string, Set<unknown>>,
): boolean {
  if (op.op !== 'add' && op.op !== 'replace') return false;
  const match = /^(.*)\/(containers|initContainers|volumes)(?:\/(\d+|-))?$/.exec(op.path ?? '');
  if (!match || match[1] !== prefix) return false;
  const list = match[2]!;
  const values = match[3] === undefined ? (Array.isArray(op.value) ? op.value : []) : [op.value];
  const fresh = values.map((v) => {
    const name = isObject(v) ? v['name'] : undefined;
    covered.get(list)!.add(name);
    return listOf(spec, list).find((i) => isObject(i) && i['name'] === name) ?? v;
  });
  const next = match[3] === undefined ? fresh : fresh[0];
  if (JSON.stringify(next) === JSON.stringify(op.value)) return false;
  doc.setIn([index, 'value'], doc.createNode(next));
  return true;
}

/** Items the injector adds that neither the base nor the patch has: appended, in the patch's format. */
function appendedItems(
  doc: Document,
  ops: YAMLSeq,
  prefix: string,
  spec: Spec,
  renderedSpec: Spec,
  covered: Map<string, Set<unknown>>,
): boolean {
  let changed = false;
  for (const list of ['initContainers', 'volumes'] as const) {
    const have = new Set(listOf(renderedSpec, list).map((i) => (isObject(i) ? i['name'] : undefined)));
    const missing = listOf(spec, list).filter(
      (i) => isObject(i) && !have.has(i['name']) && !covered.get(list)!.has(i['name']),
    );
    if (missing.length === 0) continue;
    changed = true;
    if (have.size === 0 && !covered.get(list)!.size)
      ops.items.push(doc.createNode({ op: 'add', path: `${prefix}/${list}`, value: missing }) as never);
    else
      for (const item of missing)
        ops.items.push(doc.createNode({ op: 'add', path: `${prefix}/${list}/-`, value: item }) as never);
  }
  return changed;
}

export interface Json6902Result {
  changes: { path: string; content: string; expected: string }[];
  workloads: WorkloadResult[];
  /** Per patch file, the injector's pod labels and annotations its layout keeps out of the patch. */
  metadataLeftOut: { file: string; line: number; fields: string[] }[];
}

/**
 * Regenerates each JSON6902 sidecar patch: `inject` runs the injector over one rendered workload in
 * the mode given (the workload's own, unless `native` is configured).
 */
export async function json6902Changes(
  targets: readonly Json6902Sidecar[],
  inject: (yaml: string, native: boolean, target: Json6902Sidecar) => Promise<string>,
  native: boolean | undefined,
): Promise<Json6902Result> {
  const result: Json6902Result = { changes: [], workloads: [], metadataLeftOut: [] };
  const done = new Set<string>();
  for (const target of targets) {
    if (done.has(target.file)) continue;
    done.add(target.file);
    const kind = target.object.kind as WorkloadKind;
    const mode = native ?? target.workload.sidecar.state === 'native';
    const output = await inject(stringify(uninjected(target.object)), mode, target);
    const injected = parseAllDocuments(output)
      .map((d) => d.toJS() as unknown)
      .find((o) => isObject(o) && o['kind'] === kind) as Record<string, unknown> | undefined;
    if (!injected) continue;
    const leftOut: string[] = [];
    const text = regeneratedPatch(target.text, kind, target.object.object, injected, leftOut);
    if (leftOut.length > 0)
      result.metadataLeftOut.push({ file: target.file, line: target.line, fields: leftOut });
    if (text !== undefined) result.changes.push({ path: target.file, content: text, expected: target.text });
    const to = sidecarOf(injected);
    const from = target.workload.sidecar;
    result.workloads.push({
      kind,
      name: target.workload.name,
      namespace: target.workload.namespace,
      file: target.file,
      line: target.line,
      document: 0,
      status: text !== undefined ? 'injected' : 'unchanged',
      from: {
        ...(from.image ? { proxyImage: from.image } : {}),
        ...(from.revision ? { revision: from.revision } : {}),
        mode: from.state === 'native' ? 'native' : 'classic',
      },
      to: { ...(to ?? {}), mode: mode ? 'native' : 'classic' },
      origin: 'JSON6902 patch',
    });
  }
  return result;
}
