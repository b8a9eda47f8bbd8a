// What the injection pipeline asks of the mesh model: the revision's values as the repo declares them,
// and, per workload document, the namespace it renders into and what that namespace's labels say.
import { buildMesh, type MeshBuild } from '../mesh/model.js';
import {
  controlPlaneNamespaces,
  injectionValuesFor,
  type InjectionValues,
} from '../mesh/injection-values.js';
import type { MeshModel, MeshNamespace } from '../mesh/types.js';
import type { Logger } from '../logger.js';

export interface RepoMesh {
  build: MeshBuild;
  values?: InjectionValues;
  controlPlaneNamespaces: Set<string>;
  /** Rendered namespace(s) of the workloads a document (`file:line`) produces. */
  namespacesOf(file: string, line: number): string[];
  namespace(name: string): MeshNamespace | undefined;
  /** Where the sidecar of the workload a document produces lives: inline, patch, overlay, helm-rendered. */
  originOf(file: string, line: number): string | undefined;
  /** Whether a revision or tag name is one some control plane defines. */
  knowsRevision(name: string): boolean;
  /**
   * The revision a revision or tag name selects, through the model's tags (`default` and a name no
   * control plane defines stay as they are).
   */
  resolveRevision(name: string): string;
  /** The values of another revision's control plane, merged and reported once per revision. */
  valuesFor(revision: string | undefined): InjectionValues | undefined;
}

export async function readRepoMesh(
  workspace: string,
  revision: string | undefined,
  logger: Logger,
  given?: MeshBuild,
): Promise<RepoMesh | undefined> {
  let build = given;
  if (!build) {
    try {
      build = await buildMesh(workspace, { logger });
    } catch (error) {
      logger.warning(
        `the mesh model could not be built (${(error as Error).message.split('\n')[0]}); injecting with the chart defaults and without the namespaces' labels`,
      );
      return undefined;
    }
  }
  const values = injectionValuesFor(build.model, revision ?? 'default');
  if (values) reportValues(values, logger);
  return describe(build, values, revision ?? 'default', logger);
}

function reportValues(values: InjectionValues, logger: Logger): void {
  const layers = values.layers.map((l) => l.description).join(', ');
  logger.info(
    `injection config of revision ${values.revision} from the repo's control plane (cluster ${values.cluster}): ${layers || 'no values'}`,
  );
  for (const u of values.unresolved)
    logger.warning(
      `the control plane values refer to ${u.reference}, which the repo cannot resolve (${u.reason}); the injection config is rendered without it`,
      u.source ? { ...u.source } : {},
    );
  for (const d of values.dropped)
    logger.info(`left ${d} out of the injection config: the target version decides the proxy image`);
  if (values.conflicts.length > 0)
    logger.warning(
      `clusters ${values.conflicts.join(', ')} declare revision ${values.revision} with other values than cluster ${values.cluster}; the sidecars use cluster ${values.cluster}'s`,
    );
}

function describe(
  build: MeshBuild,
  values: InjectionValues | undefined,
  runRevision: string,
  logger: Logger,
): RepoMesh {
  const model: MeshModel = build.model;
  const bySource = new Map<string, string[]>();
  const origins = new Map<string, string>();
  for (const cluster of model.clusters)
    for (const workload of cluster.workloads) {
      if (!workload.source) continue;
      const key = `${workload.source.file}:${workload.source.line}`;
      bySource.set(key, [...(bySource.get(key) ?? []), workload.namespace]);
      if (workload.sidecar.origin && !origins.has(key)) origins.set(key, workload.sidecar.origin);
    }
  const namespaces = new Map<string, MeshNamespace>();
  for (const cluster of model.clusters)
    for (const ns of cluster.namespaces) if (!namespaces.has(ns.name)) namespaces.set(ns.name, ns);
  const revisions = new Set<string>();
  const planes = new Set<string>();
  const tags = new Map<string, string>();
  for (const cluster of model.clusters)
    for (const plane of cluster.controlPlanes) {
      revisions.add(plane.revision);
      planes.add(plane.revision);
      for (const tag of plane.tags) {
        revisions.add(tag);
        if (!tags.has(tag)) tags.set(tag, plane.revision);
      }
    }
  // A revision's own name wins over a tag of the same name, as the webhooks of both would match.
  const resolveRevision = (name: string) => (planes.has(name) ? name : (tags.get(name) ?? name));
  const valuesByRevision = new Map<string, InjectionValues | undefined>([[runRevision, values]]);
  return {
    build,
    ...(values ? { values } : {}),
    controlPlaneNamespaces: controlPlaneNamespaces(model),
    namespacesOf: (file, line) => [...new Set(bySource.get(`${file}:${line}`) ?? [])],
    namespace: (name) => namespaces.get(name),
    originOf: (file, line) => origins.get(`${file}:${line}`),
    // A repo that declares no control plane cannot tell a revision from a typo.
    knowsRevision: (name) => revisions.size === 0 || revisions.has(name),
    resolveRevision,
    valuesFor: (revision) => {
      const name = revision ?? 'default';
      if (valuesByRevision.has(name)) return valuesByRevision.get(name);
      const found = injectionValuesFor(model, name);
      if (found) reportValues(found, logger);
      valuesByRevision.set(name, found);
      return found;
    },
  };
}
