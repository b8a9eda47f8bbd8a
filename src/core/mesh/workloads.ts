// Reads the rendered objects of one cluster into namespaces (with injection labels), workloads (with
// the sidecar each pod template holds: none, classic or native, its version, revision and origin),
// and the Istio components that are rendered as plain Deployments (istiod, gateways).
import { parseIstioVersion } from '../versions/parse.js';
import { asArray, asRecord, asString, type PathStep } from './documents.js';
import type { RepoFiles } from './repo-files.js';
import { locateDocument, traceField } from './source-map.js';
import type {
  FieldSource,
  MeshNamespace,
  RenderedObject,
  RenderedRoot,
  Workload,
  WorkloadSidecar,
} from './types.js';

/** Kinds with a pod template, and where it sits. */
const POD_TEMPLATE: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  DeploymentConfig: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

/** Namespaces whose pods are never in the mesh (Flux, Kubernetes' own). */
const INFRASTRUCTURE_NAMESPACES = new Set(['flux-system', 'kube-system', 'kube-public', 'kube-node-lease']);

const PROXY_CONTAINER = 'istio-proxy';

export function podTemplatePath(kind: string): readonly string[] | undefined {
  return POD_TEMPLATE[kind];
}

export function readNamespaces(files: RepoFiles, rendered: RenderedRoot[]): MeshNamespace[] {
  const out = new Map<string, MeshNamespace>();
  for (const root of rendered) {
    for (const object of root.objects) {
      if (object.kind !== 'Namespace' || object.apiVersion !== 'v1') continue;
      locateDocument(files, object);
      const labels = asRecord(asRecord(object.object.metadata)?.labels) ?? {};
      const label = (key: string) => {
        const value = asString(labels[key]);
        if (value === undefined) return undefined;
        const source = traceField(files, root, object, ['metadata', 'labels', key]) ?? object.source;
        // The line is read when a message needs it (a file's syntax tree is parsed only then).
        const at = source && {
          file: source.file,
          get line() {
            return source.line;
          },
        };
        return { value, ...(at ? { source: at } : {}) };
      };
      const injection = label('istio-injection');
      const revision = label('istio.io/rev');
      out.set(object.name, {
        name: object.name,
        ...(object.source ? { source: object.source } : {}),
        ...(injection ? { injection } : {}),
        ...(revision ? { revision } : {}),
      });
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Flux's controllers and other infrastructure are not workloads of the mesh. */
function isInfrastructure(object: RenderedObject): boolean {
  const labels = asRecord(asRecord(object.object.metadata)?.labels) ?? {};
  if (INFRASTRUCTURE_NAMESPACES.has(object.namespace ?? '')) return true;
  return (
    asString(labels['app.kubernetes.io/part-of']) === 'flux' ||
    asString(labels['app.kubernetes.io/instance']) === 'flux-system'
  );
}

/** A Deployment that is part of Istio itself: istiod, a gateway, ztunnel, CNI. */
export function istioComponentOf(
  object: RenderedObject,
): 'istiod' | 'gateway' | 'ztunnel' | 'cni' | undefined {
  // Kind first: a kind without a pod template is never read (a rendered object parses when read).
  const templatePath = POD_TEMPLATE[object.kind];
  if (!templatePath) return undefined;
  const template = asRecord(valueAtPath(object.object, templatePath));
  if (!template) return undefined;
  const labels = asRecord(asRecord(template.metadata)?.labels) ?? {};
  const annotations = asRecord(asRecord(template.metadata)?.annotations) ?? {};
  const images = asArray(asRecord(template.spec)?.containers).map((c) => asString(asRecord(c)?.image) ?? '');
  if (images.some((i) => /\/pilot(:|@|$)/.test(i))) return 'istiod';
  if (images.some((i) => /\/ztunnel(:|@|$)/.test(i))) return 'ztunnel';
  if (images.some((i) => /\/install-cni(:|@|$)/.test(i))) return 'cni';
  const gatewayLabel =
    /gateway/.test(asString(labels.istio) ?? '') || labels['gateway.istio.io/managed'] !== undefined;
  if (gatewayLabel || asString(annotations['inject.istio.io/templates']) === 'gateway') return 'gateway';
  return undefined;
}

export function readWorkloads(
  files: RepoFiles,
  rendered: RenderedRoot[],
  namespaces: MeshNamespace[],
): Workload[] {
  const workloads: Workload[] = [];
  const byName = new Map(namespaces.map((n) => [n.name, n]));
  for (const root of rendered) {
    for (const object of root.objects) {
      const templatePath = POD_TEMPLATE[object.kind];
      if (!templatePath || isInfrastructure(object) || istioComponentOf(object)) continue;
      locateDocument(files, object);
      const namespace = object.namespace ?? 'default';
      const template = asRecord(valueAtPath(object.object, templatePath)) ?? {};
      const labels = asRecord(asRecord(template.metadata)?.labels) ?? {};
      const podRev = asString(labels['istio.io/rev']);
      const sidecar = readSidecar(files, root, object, [...templatePath], template);
      sidecar.revision = revisionOf(template, podRev, byName.get(namespace), sidecar);
      workloads.push({
        kind: object.kind,
        name: object.name,
        namespace,
        root: root.root.id,
        ...(object.source ? { source: object.source } : {}),
        sidecar,
        ...(podRev
          ? {
              podRevision: {
                value: podRev,
                ...sourceOf(
                  traceField(files, root, object, [...templatePath, 'metadata', 'labels', 'istio.io/rev']),
                ),
              },
            }
          : {}),
      });
    }
  }
  return workloads;
}

function sourceOf(field: FieldSource | undefined): { source?: { file: string; line: number } } {
  return field ? { source: { file: field.file, line: field.line } } : {};
}

function readSidecar(
  files: RepoFiles,
  root: RenderedRoot,
  object: RenderedObject,
  templatePath: PathStep[],
  template: Record<string, unknown>,
): WorkloadSidecar {
  const spec = asRecord(template.spec) ?? {};
  const found: { list: 'containers' | 'initContainers'; index: number; image?: string; native: boolean }[] =
    [];
  for (const list of ['initContainers', 'containers'] as const) {
    asArray(spec[list]).forEach((c, index) => {
      const container = asRecord(c);
      if (asString(container?.name) !== PROXY_CONTAINER) return;
      const image = asString(container?.image);
      const native = list === 'initContainers' && asString(container?.restartPolicy) === 'Always';
      found.push({ list, index, ...(image ? { image } : {}), native });
    });
  }
  if (found.length === 0) return { state: 'none', count: 0, sources: [] };
  const sources = found
    .map((f) =>
      traceField(files, root, object, [...templatePath, 'spec', f.list, f.index, f.image ? 'image' : 'name']),
    )
    .filter((s): s is FieldSource => s !== undefined);
  const first = found[0]!;
  const version = first.image ? imageVersion(first.image) : undefined;
  const source = sources[0];
  return {
    state: found.some((f) => f.native) ? 'native' : 'classic',
    ...(version ? { version } : {}),
    ...(first.image ? { image: first.image } : {}),
    ...(source ? { origin: source.origin, source } : {}),
    count: found.length,
    sources,
  };
}

/** `docker.io/istio/proxyv2:1.24.2-distroless` → 1.24.2; a digest-only or `latest` image has none. */
export function imageVersion(image: string): string | undefined {
  const tag = /:([^:/@]+)(@.*)?$/.exec(image)?.[1];
  return tag ? parseIstioVersion(tag.replace(/-(distroless|debug)$/, ''))?.version : undefined;
}

function revisionOf(
  template: Record<string, unknown>,
  podRev: string | undefined,
  namespace: MeshNamespace | undefined,
  sidecar: WorkloadSidecar,
): string | undefined {
  if (podRev) return podRev;
  const status = asString(asRecord(asRecord(template.metadata)?.annotations)?.['sidecar.istio.io/status']);
  if (status) {
    try {
      const revision = asString(asRecord(JSON.parse(status) as unknown)?.revision);
      if (revision) return revision;
    } catch {
      // A status annotation that is not JSON says nothing about the revision.
    }
  }
  // istio-injection wins over istio.io/rev on the same namespace and selects the default revision.
  if (namespace?.injection?.value === 'enabled') return 'default';
  if (namespace?.revision) return namespace.revision.value;
  return sidecar.state === 'none' ? undefined : 'default';
}

function valueAtPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = asRecord(current)?.[key];
  return current;
}
