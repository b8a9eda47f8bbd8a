// Sidecars kept in JSON6902 patches (the talk's layout: the base says inject "false", a patch adds
// istio-proxy): the rendered workload is injected afresh and the patch regenerated in its own format,
// each op's value replaced by the injector's item of the same name, missing volumes and init
// containers appended as further ops. Comments and every other op stay as they are.
import { isMap, isSeq, parseAllDocuments, parseDocument, stringify, type Document } from 'yaml';
import type { MeshBuild } from '../../mesh/model.js';
import type { RenderedObject, Workload as MeshWorkload } from '../../mesh/types.js';
import type { WorkloadResult } from '../types.js';
import { isObject, podTemplateOf, sidecarOf, type WorkloadKind } from '../workloads.js';

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
  const byName = (list: string, name: unknown) =>
    (Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []).find(
      (i) => isObject(i) && i['name'] === name,
    );
  const covered = new Map<string, Set<unknown>>(LISTS.map((l) => [l, new Set<unknown>()]));
  let changed = false;
  ops.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const op = item.toJSON() as { op?: string; path?: string; value?: unknown };
    if (op.op !== 'add' && op.op !== 'replace') return;
    const match = /^(.*)\/(containers|initContainers|volumes)(?:\/(\d+|-))?$/.exec(op.path ?? '');
    if (!match || match[1] !== prefix) return;
    const list = match[2]!;
    const values = match[3] === undefined ? (Array.isArray(op.value) ? op.value : []) : [op.value];
    const fresh = values.map((v) => {
      const name = isObject(v) ? v['name'] : undefined;
      covered.get(list)!.add(name);
      return byName(list, name) ?? v;
    });
    const next = match[3] === undefined ? fresh : fresh[0];
    if (JSON.stringify(next) !== JSON.stringify(op.value)) {
      doc.setIn([index, 'value'], doc.createNode(next));
      changed = true;
    }
  });
  // Items the injector adds that neither the base nor the patch has: appended, in the patch's format.
  for (const list of ['initContainers', 'volumes'] as const) {
    const have = new Set(
      (Array.isArray(renderedSpec[list]) ? (renderedSpec[list] as unknown[]) : []).map((i) =>
        isObject(i) ? i['name'] : undefined,
      ),
    );
    const missing = (Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []).filter(
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
  if (metadataOps(doc, kind, rendered, injected, leftOut)) changed = true;
  return changed ? doc.toString() : undefined;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (key: string) => key.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * The pod template's labels and annotations as the injector sets them (status, istio.io/rev,
 * tlsMode, canonical-*, prometheus, default-container): every op of the patch that sets one gets the
 * injector's value; the ones it lacks are appended when the patch already carries pod metadata, else
 * named in `leftOut` (the user's layout keeps them out of the patch). True when anything changed.
 */
function metadataOps(
  doc: Document,
  kind: WorkloadKind,
  rendered: Record<string, unknown>,
  injected: Record<string, unknown>,
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
  const maps = ['labels', 'annotations'] as const;
  const wanted = (map: string) => (isObject(want[map]) ? (want[map] as Record<string, unknown>) : {});
  const had = (map: string) => (isObject(have[map]) ? (have[map] as Record<string, unknown>) : {});
  // What the injector changes: keys whose value differs from the workload as rendered without it.
  const changes = new Map<string, Set<string>>(
    maps.map((m) => [
      m,
      new Set(
        Object.keys(wanted(m)).filter(
          (k) => k !== INJECT && JSON.stringify(wanted(m)[k]) !== JSON.stringify(had(m)[k]),
        ),
      ),
    ]),
  );
  const covered = new Map<string, Set<string>>(maps.map((m) => [m, new Set<string>()]));
  let touchesMetadata = false;
  let changed = false;
  // A whole labels/annotations map the op sets: its keys the injector sets get its values.
  const wholeMap = (map: string, at: (string | number)[], value: Record<string, unknown>) => {
    for (const key of Object.keys(value)) covered.get(map)!.add(key);
    for (const key of changes.get(map)!) covered.get(map)!.add(key);
    const next = { ...value };
    for (const key of Object.keys(next)) if (key in wanted(map)) next[key] = wanted(map)[key];
    for (const key of changes.get(map)!) next[key] = wanted(map)[key];
    for (const [key, v] of Object.entries(next))
      if (JSON.stringify(v) !== JSON.stringify(value[key])) {
        doc.setIn([...at, key], v);
        changed = true;
      }
  };
  ops.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const op = item.toJSON() as { op?: string; path?: string; value?: unknown };
    if (op.op !== 'add' && op.op !== 'replace') return;
    // The whole pod metadata object: each of its maps as a whole-map op; a missing one is added.
    if (op.path === prefix && isObject(op.value)) {
      touchesMetadata = true;
      for (const map of maps) {
        const value = op.value[map];
        if (isObject(value)) wholeMap(map, [index, 'value', map], value);
        else if (changes.get(map)!.size > 0) {
          const fresh = Object.fromEntries([...changes.get(map)!].map((k) => [k, wanted(map)[k]]));
          for (const key of changes.get(map)!) covered.get(map)!.add(key);
          doc.setIn([index, 'value', map], doc.createNode(fresh));
          changed = true;
        }
      }
      return;
    }
    const match = /^(.*)\/(labels|annotations)(?:\/(.+))?$/.exec(op.path ?? '');
    if (!match || match[1] !== prefix) return;
    touchesMetadata = true;
    const map = match[2]!;
    if (match[3] !== undefined) {
      const key = unescapePointer(match[3]);
      covered.get(map)!.add(key);
      if (!(key in wanted(map)) || JSON.stringify(wanted(map)[key]) === JSON.stringify(op.value)) return;
      doc.setIn([index, 'value'], wanted(map)[key]);
      changed = true;
      return;
    }
    if (isObject(op.value)) wholeMap(map, [index, 'value'], op.value);
  });
  for (const map of maps) {
    const missing = [...changes.get(map)!].filter((k) => !covered.get(map)!.has(k));
    if (missing.length === 0) continue;
    if (!touchesMetadata) {
      leftOut.push(...missing.map((k) => `${map === 'labels' ? 'label' : 'annotation'} ${k}`));
      continue;
    }
    changed = true;
    if (!isObject(have[map]))
      ops.items.push(
        doc.createNode({
          op: 'add',
          path: `${prefix}/${map}`,
          value: Object.fromEntries(missing.map((k) => [k, wanted(map)[k]])),
        }) as never,
      );
    else
      for (const key of missing)
        ops.items.push(
          doc.createNode({
            op: 'add',
            path: `${prefix}/${map}/${escapePointer(key)}`,
            value: wanted(map)[key],
          }) as never,
        );
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
