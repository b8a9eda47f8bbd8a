// What the injector of one revision runs with, as the repo declares it: the control plane's merged
// values and meshConfig (from every values source), the references the repo cannot resolve, and the
// namespaces the control planes live in (which injection never touches).
import { parseIstioVersion } from '../versions/parse.js';
import { asRecord, asString } from './documents.js';
import type { ControlPlane, MeshModel } from './types.js';
import { istioComponentOf } from './workloads.js';
import { cloneValues, isValuesMap, mergeValues, type Values } from './values/merge.js';
import type { SourceLocation, UnresolvedValues } from './values/types.js';

export interface InjectionValues {
  cluster: string;
  /** The revision whose control plane it is (`default` for the default one). */
  revision: string;
  /** The istiod chart's values as merged by the installer, without `meshConfig` and version pins. */
  values: Values;
  /** `meshConfig` from the values and the declaration (IstioOperator `spec.meshConfig`), merged. */
  meshConfig: Values;
  /** For people: each layer that went in, lowest precedence first. */
  layers: { description: string; source?: SourceLocation }[];
  /** Values the repo refers to but cannot resolve (a Secret outside the repo): never silently dropped. */
  unresolved: UnresolvedValues[];
  /** Keys left out because they pin the version (the target version decides it). */
  dropped: string[];
  /** Other clusters that declare the same revision with different values (the first cluster wins). */
  conflicts: string[];
}

/** The control plane a revision or tag names in each cluster that declares it. */
function planesFor(model: MeshModel, revision: string): { cluster: string; plane: ControlPlane }[] {
  const out: { cluster: string; plane: ControlPlane }[] = [];
  for (const cluster of model.clusters) {
    const plane =
      cluster.controlPlanes.find((p) => p.revision === revision) ??
      cluster.controlPlanes.find((p) => p.tags.includes(revision));
    if (plane) out.push({ cluster: cluster.name, plane });
  }
  return out;
}

/**
 * The injection values of `revision` (default: the default revision). Undefined when no control plane
 * of that revision declares values (plain istiod Deployments, a `.istio-version` file): the chart
 * defaults are then all there is.
 */
export function injectionValuesFor(model: MeshModel, revision = 'default'): InjectionValues | undefined {
  const found = planesFor(model, revision).filter((f) => f.plane.declarations.length > 0);
  const first = found[0];
  if (!first) return undefined;
  const { plane } = first;
  const values = cloneValues(plane.values);
  const dropped: string[] = [];
  let meshConfig: Values = {};
  if (isValuesMap(values.meshConfig)) meshConfig = values.meshConfig;
  delete values.meshConfig;
  if (plane.meshConfig) meshConfig = mergeValues(meshConfig, plane.meshConfig);
  // The version the sidecar gets is the target's, never the one the repo pins today.
  const global = asRecord(values.global);
  const tag = global ? asString(global.tag) : undefined;
  if (global && tag && parseIstioVersion(tag)) {
    delete global.tag;
    dropped.push(`global.tag ${tag}`);
  }
  // The revision is the one asked for; manifest generate is told it separately.
  if (values.revision !== undefined) {
    delete values.revision;
  }
  const same = JSON.stringify([plane.values, plane.meshConfig ?? null]);
  const conflicts = found
    .slice(1)
    .filter((f) => JSON.stringify([f.plane.values, f.plane.meshConfig ?? null]) !== same)
    .map((f) => f.cluster);
  return {
    cluster: first.cluster,
    revision: plane.revision,
    values,
    meshConfig,
    layers: plane.declarations.flatMap((d) =>
      d.layers.map((l) => ({ description: l.description, ...(l.source ? { source: l.source } : {}) })),
    ),
    unresolved: plane.declarations.flatMap((d) => d.unresolved),
    dropped,
    conflicts,
  };
}

/** Namespaces that hold a control plane (istiod), where injection never goes. */
export function controlPlaneNamespaces(model: MeshModel): Set<string> {
  const out = new Set<string>();
  for (const cluster of model.clusters) {
    for (const plane of cluster.controlPlanes)
      for (const d of plane.declarations) {
        const target = asString(asRecord(d.values.global)?.istioNamespace);
        if (target) out.add(target);
        else if (d.sourceId === 'istio-operator' || d.sourceId === 'sail-istio')
          out.add(d.namespace ?? 'istio-system');
        else if (d.namespace) out.add(d.namespace);
      }
    for (const object of cluster.objects)
      if (object.namespace && istioComponentOf(object) === 'istiod') out.add(object.namespace);
  }
  if (out.size === 0) out.add('istio-system');
  return out;
}
