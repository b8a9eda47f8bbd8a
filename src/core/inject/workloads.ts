// Which documents are workloads istioctl injects, where their pod template sits, and what a pod
// template says about its sidecar (revision, proxy image) and about being skipped.
import { parse } from 'yaml';
import { fastManifest } from '../mesh/yaml-values.js';
import { MAX_YAML_ALIAS_COUNT } from '../workspace/yaml-limits.js';

/** The kinds `istioctl kube-inject` injects (List item by item); every other kind passes through. */
export const WORKLOAD_KINDS = [
  'Pod',
  'ReplicationController',
  'Deployment',
  'DaemonSet',
  'ReplicaSet',
  'StatefulSet',
  'Job',
  'CronJob',
  'DeploymentConfig',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Namespaces istioctl never injects into. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

export type SkipReason =
  | 'injection-disabled'
  | 'host-network'
  | 'system-namespace'
  | 'not-injected'
  | 'namespace-disabled'
  | 'control-plane-namespace'
  | 'gitops-controller'
  | 'unknown-revision'
  | 'not-selected';

export interface Sidecar {
  /** The revision in `sidecar.istio.io/status` (`default` when none was named). */
  revision?: string;
  /** The image of the istio-proxy container (or native sidecar init container). */
  proxyImage?: string;
  /** Native (an init container) or classic (a container). */
  mode?: 'native' | 'classic';
}

/** One workload: a document, or an item of a List document. */
export interface Workload {
  kind: WorkloadKind;
  name: string;
  namespace?: string;
  /** The item's position when the document is a List. */
  listItem?: number;
}

type Json = Record<string, unknown>;

const KIND_WORD = new RegExp(`\\b(?:${WORKLOAD_KINDS.join('|')}|List)\\b`);

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isWorkloadKind(kind: unknown): kind is WorkloadKind {
  return typeof kind === 'string' && (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** Cheap pre-check on raw text: a document that names no workload kind is never parsed. */
export function mayBeWorkload(body: string): boolean {
  return KIND_WORD.test(body);
}

/**
 * Parses a document body the way Kubernetes reads YAML (1.1: `0644` is octal, `yes` is a boolean), with
 * alias expansion bounded so an alias bomb fails at once instead of eating the runner.
 */
export function parseManifest(body: string): unknown {
  manifestParses.count++;
  return parse(body, { version: '1.1', uniqueKeys: false, maxAliasCount: MAX_YAML_ALIAS_COUNT });
}

/** How many documents `parseManifest` parsed in this process (tests observe sharing through it). */
export const manifestParses = { count: 0 };

/**
 * A document's values for reading only (labels, annotations, container names; no edit follows): the
 * fast reader where it is sure to agree with YAML 1.1, else `parseManifest`.
 */
export function readManifest(body: string): unknown {
  return fastManifest(body)?.value ?? parseManifest(body);
}

// A Pod's spec is its pod template.
const POD_KIND = /^kind:[ \t]*["']?Pod["']?[ \t]*(?:#.*)?$/m;
const TEMPLATE_KEY = /^[ \t]*(?:- )?["']?template["']?[ \t]*:/m;
const CONTAINERS_KEY = /^[ \t]*(?:- )?["']?containers["']?[ \t]*:/m;
const EMPTY_CONTAINERS_KEY =
  /^[ \t]*(?:- )?["']?containers["']?[ \t]*:[ \t]*(?:\[[ \t]*\]|null|~)[ \t]*(?:#.*)?$/m;

/**
 * Why a document of a workload kind is still not something to inject, or undefined when it is one: a
 * kustomize strategic-merge patch (no pod template), or a pod spec without containers, which istioctl
 * would turn into a sidecar-only pod. Parses only when the text leaves doubt.
 */
export function notAWorkload(body: string, parsed: () => unknown): string | undefined {
  // Both keys written in block style is the common case: the parse below is only paid when the text
  // leaves doubt. Keys must start a line, so the injector's status annotation (JSON holding
  // `"containers":null`) cannot look like an empty container list.
  if (
    (TEMPLATE_KEY.test(body) || POD_KIND.test(body)) &&
    CONTAINERS_KEY.test(body) &&
    !EMPTY_CONTAINERS_KEY.test(body)
  )
    return undefined;
  for (const [index, object] of objectsOf(parsed()).entries()) {
    const workload = workloadOf(object);
    if (!workload) continue;
    const problem = workloadProblem(object as Json, workload.kind);
    if (!problem) continue;
    const which = `${workload.kind} ${workloadName(workload)}`;
    return isObject(parsed()) && (parsed() as Json)['kind'] === 'List'
      ? `item ${index + 1} (${which}) ${problem}`
      : `${which} ${problem}`;
  }
  return undefined;
}

function workloadProblem(object: Json, kind: WorkloadKind): string | undefined {
  const where =
    kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
  if (kind !== 'Pod' && !isObject(dig(object, ...where.split('.'))))
    return `has no pod template (${where}): a kustomize strategic-merge patch or a partial manifest, not a workload`;
  const template = podTemplateOf(object);
  const containers = template?.spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0)
    return `has no containers in its pod spec: a strategic-merge patch or an invalid ${kind}, not a workload to inject`;
  return undefined;
}

/** The workloads in a parsed document: itself, or a List's workload items; none for other kinds. */
export function workloadsOf(document: unknown): Workload[] {
  if (!isObject(document)) return [];
  if (document['kind'] === 'List' && Array.isArray(document['items'])) {
    return document['items'].flatMap((item, index) => {
      const workload = workloadOf(item);
      return workload ? [{ ...workload, listItem: index }] : [];
    });
  }
  const workload = workloadOf(document);
  return workload ? [workload] : [];
}

function workloadOf(object: unknown): Workload | undefined {
  if (!isObject(object) || !isWorkloadKind(object['kind'])) return undefined;
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
  return {
    kind: object['kind'],
    name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    ...(namespace ? { namespace } : {}),
  };
}

/**
 * The pod template of a workload object (the object itself for a Pod): its metadata and spec. For a
 * CronJob, istioctl reads and writes the annotations on `spec.jobTemplate.metadata`, so that is its metadata.
 */
export function podTemplateOf(object: unknown): { metadata: Json; spec: Json } | undefined {
  if (!isObject(object)) return undefined;
  let metadata: unknown;
  let spec: unknown;
  if (object['kind'] === 'Pod') {
    metadata = object['metadata'];
    spec = object['spec'];
  } else if (object['kind'] === 'CronJob') {
    metadata = dig(object, 'spec', 'jobTemplate', 'metadata');
    spec = dig(object, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
    if (!isObject(dig(object, 'spec', 'jobTemplate', 'spec', 'template'))) return undefined;
  } else {
    const template = dig(object, 'spec', 'template');
    if (!isObject(template)) return undefined;
    metadata = template['metadata'];
    spec = template['spec'];
  }
  return { metadata: isObject(metadata) ? metadata : {}, spec: isObject(spec) ? spec : {} };
}

/** The path of what injection changes inside its object, for patches. */
export function podTemplatePath(kind: WorkloadKind): string[] {
  if (kind === 'Pod') return [];
  if (kind === 'CronJob') return ['spec', 'jobTemplate'];
  return ['spec', 'template'];
}

export function dig(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return current;
}

const STATUS_ANNOTATION = 'sidecar.istio.io/status';
const INJECT_KEY = 'sidecar.istio.io/inject';

/** The sidecar a pod template carries, from its status annotation and its istio-proxy container. */
export function sidecarOf(object: unknown): Sidecar | undefined {
  const template = podTemplateOf(object);
  if (!template) return undefined;
  const status = dig(template.metadata, 'annotations', STATUS_ANNOTATION);
  if (typeof status !== 'string') return undefined;
  let revision: string | undefined;
  try {
    const parsed = JSON.parse(status) as { revision?: unknown };
    if (typeof parsed.revision === 'string' && parsed.revision !== '') revision = parsed.revision;
  } catch {
    // A hand-edited status is still a sidecar; only its revision is unknown.
  }
  const containers = [template.spec['containers'], template.spec['initContainers']].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
  const proxy = containers.find((c) => isObject(c) && c['name'] === 'istio-proxy');
  const proxyImage = isObject(proxy) && typeof proxy['image'] === 'string' ? proxy['image'] : undefined;
  return { ...(revision ? { revision } : {}), ...(proxyImage ? { proxyImage } : {}) };
}

/** Why istioctl would leave this workload alone, as far as the workload itself says. */
export function predictedSkipReason(object: unknown): SkipReason | undefined {
  const template = podTemplateOf(object);
  if (!template) return undefined;
  if (template.spec['hostNetwork'] === true) return 'host-network';
  const namespace = dig(object, 'metadata', 'namespace') ?? template.metadata['namespace'];
  if (typeof namespace === 'string' && SYSTEM_NAMESPACES.includes(namespace)) return 'system-namespace';
  // The label wins over the annotation, as in istioctl.
  const label = dig(template.metadata, 'labels', INJECT_KEY);
  const annotation = dig(template.metadata, 'annotations', INJECT_KEY);
  const setting = label ?? annotation;
  if (setting !== undefined && !['true', 'enabled', 'yes', 'y', 'on'].includes(String(setting).toLowerCase()))
    return 'injection-disabled';
  return undefined;
}

/** The item objects of a parsed document: the document itself, or a List's items. */
export function objectsOf(document: unknown): unknown[] {
  if (isObject(document) && document['kind'] === 'List' && Array.isArray(document['items']))
    return document['items'];
  return [document];
}

/** `ns/name` or `name`, as people and istioctl say it. */
export function workloadName(workload: Pick<Workload, 'name' | 'namespace'>): string {
  return workload.namespace ? `${workload.namespace}/${workload.name}` : workload.name;
}
