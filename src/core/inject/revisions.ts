// Which revision's injector renders a workload, as the webhooks decide: a namespace's
// `istio-injection: enabled` is the default revision's, its `istio.io/rev` names a revision or tag,
// and a pod's own `istio.io/rev` counts when its namespace says neither. Tags resolve to the revision
// they point at through the mesh model. A workload nothing names is rendered with the run's revision.
import type { MeshModel } from '../mesh/types.js';
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

/**
 * The pod's `istio.io/rev` as a choice: the injector writes the label too, equal to the status
 * annotation's revision. Such a label is the user's only when no run revision is given; a given one
 * moves the workload, as before.
 */
export function podRevisionChoice(
  label: string | undefined,
  status: string | undefined,
  runRevision: string | undefined,
): string | undefined {
  if (label === undefined) return undefined;
  const injectorWritten = status !== undefined && (status || 'default') === label;
  return injectorWritten && runRevision !== undefined ? undefined : label;
}

/** The revision in a `sidecar.istio.io/status` annotation (`default` when it names none). */
export function statusRevision(status: unknown): string | undefined {
  if (typeof status !== 'string') return undefined;
  try {
    const revision = (JSON.parse(status) as { revision?: unknown }).revision;
    return typeof revision === 'string' && revision !== '' ? revision : 'default';
  } catch {
    return undefined;
  }
}

export function revisionForJob(
  job: Job,
  mesh: RepoMesh | undefined,
  runRevision: string | undefined,
  pinned = false,
): string | undefined {
  if (!mesh || pinned) return runRevision;
  const label = podSetting(job, 'istio.io/rev');
  const status = job.body.includes(STATUS) ? statusRevision(podSetting(job, STATUS)) : undefined;
  return revisionFor(
    namespaceOf(job, mesh),
    podRevisionChoice(label, status, runRevision),
    mesh,
    runRevision,
  );
}

const STATUS = 'sidecar.istio.io/status';

/**
 * The one Istio version the repo's control planes of `revision` run (undefined: none, or several), so
 * that revision's sidecars are rendered by its own istioctl and never run ahead of it.
 */
export function revisionVersion(model: MeshModel, revision: string | undefined): string | undefined {
  const name = revision ?? 'default';
  const versions = new Set(
    model.clusters.flatMap((c) =>
      c.controlPlanes
        .filter((p) => p.revision === name && p.version)
        .map((p) => p.version!.replace(/^v/, '')),
    ),
  );
  return versions.size === 1 ? [...versions][0] : undefined;
}
