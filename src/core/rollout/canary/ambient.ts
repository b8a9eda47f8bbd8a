// The ambient node agents' turn in a hop, read from the mesh model: once istiod runs a version, the
// istio-cni agent follows it in its own PR, then ztunnel in the next, in Istio's documented order.
import type { MeshComponent, MeshModel } from '../../mesh/types.js';
import { compareVersions, sortVersions } from '../../versions/parse.js';
import { AMBIENT_ORDER } from './facts.js';

export type NodeAgent = (typeof AMBIENT_ORDER.components)[number];

export interface NodeAgentStep {
  component: NodeAgent;
  /** The version istiod runs in that cluster: the agent's target. */
  target: string;
  /** The agents of that kind behind istiod. */
  lagging: MeshComponent[];
  /** Files that declare them (their pins are bumped there). */
  files: string[];
  /** Agents of a later kind that will follow, for the plan's PR list. */
  later: { component: NodeAgent; files: string[] }[];
  reason: string;
}

/**
 * The node agent that moves next, or undefined when every CNI and ztunnel runs istiod's version.
 * Only agents whose version the model knows count; one cluster's at a time, in the order of
 * AMBIENT_ORDER, so ztunnel never moves before the CNI of its cluster.
 */
export function planNodeAgentStep(model: MeshModel): NodeAgentStep | undefined {
  for (const cluster of model.clusters) {
    const istiods = sortVersions(
      new Set(cluster.controlPlanes.map((p) => p.version).filter((v): v is string => Boolean(v))),
    );
    const target = istiods[0];
    if (!target) continue;
    const behind = (kind: NodeAgent) =>
      cluster.components.filter(
        (c) => c.component === kind && c.version && c.source && compareVersions(c.version, target) < 0,
      );
    const index = AMBIENT_ORDER.components.findIndex((kind) => behind(kind).length > 0);
    if (index < 0) continue;
    const component = AMBIENT_ORDER.components[index]!;
    const lagging = behind(component);
    const filesOf = (list: MeshComponent[]) => [...new Set(list.map((c) => c.source!.file))].sort();
    const later = AMBIENT_ORDER.components
      .slice(index + 1)
      .map((kind) => ({
        component: kind,
        files: filesOf(cluster.components.filter((c) => c.component === kind && c.source)),
      }))
      .filter((l) => l.files.length > 0);
    const versions = sortVersions(new Set(lagging.map((c) => c.version!)));
    return {
      component,
      target,
      lagging,
      files: filesOf(lagging),
      later,
      reason: `istiod runs ${target} and ${component === 'cni' ? 'istio-cni' : 'ztunnel'} ${lagging.map((c) => c.name).join(', ')} still runs ${versions.join(', ')}: it follows now, in its own PR (${AMBIENT_ORDER.rule}; ${AMBIENT_ORDER.source}).`,
    };
  }
  return undefined;
}
