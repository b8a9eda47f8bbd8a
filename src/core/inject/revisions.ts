// Which revision's injector renders a workload, as the webhooks decide: a namespace's
// `istio-injection: enabled` is the default revision's, its `istio.io/rev` names a revision or tag,
// and a pod's own `istio.io/rev` counts when its namespace says neither. Tags resolve to the revision
// they point at through the mesh model. A workload nothing names is rendered with the run's revision.
import type { Job } from './jobs.js';
import type { RepoMesh } from './repo-mesh.js';
import { namespaceOf, podSetting } from './selection.js';

/** The name (revision or tag) the labels select, or undefined when they name none. */
export function labelledRevision(
  namespace: string,
  podRevision: string | undefined,
  mesh: RepoMesh,
): string | undefined {
  const ns = mesh.namespace(namespace);
  const injection = ns?.injection?.value;
  if (injection === 'enabled') return 'default';
  if (injection === undefined && ns?.revision?.value) return ns.revision.value;
  if (injection === undefined && podRevision) return podRevision;
  return undefined;
}

/**
 * The revision (undefined: the default one) that renders a workload in `namespace` whose pod says
 * `podRevision`; `pinned` makes every workload the run's.
 */
export function revisionFor(
  namespace: string,
  podRevision: string | undefined,
  mesh: RepoMesh | undefined,
  runRevision: string | undefined,
  pinned = false,
): string | undefined {
  if (!mesh || pinned) return runRevision;
  const name = labelledRevision(namespace, podRevision, mesh);
  if (name === undefined) return runRevision;
  const resolved = mesh.resolveRevision(name);
  if (resolved === (runRevision ?? 'default')) return runRevision;
  return resolved === 'default' ? undefined : resolved;
}

export function revisionForJob(
  job: Job,
  mesh: RepoMesh | undefined,
  runRevision: string | undefined,
  pinned = false,
): string | undefined {
  if (!mesh || pinned) return runRevision;
  return revisionFor(namespaceOf(job, mesh), podSetting(job, 'istio.io/rev'), mesh, runRevision);
}
