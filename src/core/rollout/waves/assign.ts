// Which clusters and pins each wave owns, read from the mesh model and the pins: a cluster by the
// Flux Kustomization (or root) that declares it, a pin by its file, or by the clusters that deploy it.
import type { MeshCluster, MeshModel } from '../../mesh/types.js';
import type { Pin } from '../../pins/types.js';
import { globMatcher } from '../../workspace/files.js';
import { waveMatchesNothing, type WaveConfig } from './wave-config.js';

export interface WaveMembers {
  wave: WaveConfig;
  clusters: MeshCluster[];
  controlPlanePins: Pin[];
  dataPlanePins: Pin[];
}

/** A pin in a base that clusters of several waves deploy: bumping it would move them all at once. */
export interface SharedPin {
  pin: Pin;
  waves: string[];
  clusters: string[];
}

export interface WaveAssignment {
  waves: WaveMembers[];
  shared: SharedPin[];
  /** Pins no wave owns (outside every wave's paths and deployed by no wave's cluster). */
  unassigned: Pin[];
}

export function assignWaves(
  waves: readonly WaveConfig[],
  model: MeshModel,
  pins: readonly Pin[],
): WaveAssignment {
  const matchers = waves.map((w) => globMatcher(w.paths));
  const waveOfFile = (file: string) => waves.findIndex((_, i) => matchers[i]!(file));
  const clusterWave = new Map<string, number>();
  for (const cluster of model.clusters) {
    if (cluster.controlPlanes.length === 0 && cluster.components.length === 0) continue;
    const declaring = cluster.roots.map((r) => r.declaredBy?.source.file ?? `${r.path}/kustomization.yaml`);
    const index = [...declaring, ...cluster.controlPlanes.flatMap((p) => (p.source ? [p.source.file] : []))]
      .map(waveOfFile)
      .find((i) => i >= 0);
    if (index !== undefined) clusterWave.set(cluster.name, index);
  }
  const members: WaveMembers[] = waves.map((wave, i) => ({
    wave,
    clusters: model.clusters.filter((c) => clusterWave.get(c.name) === i),
    controlPlanePins: [],
    dataPlanePins: [],
  }));
  const shared: SharedPin[] = [];
  const unassigned: Pin[] = [];
  for (const pin of pins) {
    let index = waveOfFile(pin.file);
    if (index < 0) {
      const deploying = model.clusters.filter(
        (c) =>
          clusterWave.has(c.name) &&
          (c.objects.some((o) => o.source?.file === pin.file) ||
            c.controlPlanes.some((p) => p.source?.file === pin.file)),
      );
      const owners = [...new Set(deploying.map((c) => clusterWave.get(c.name)!))].sort((a, b) => a - b);
      if (owners.length > 1) {
        shared.push({
          pin,
          waves: owners.map((i) => waves[i]!.name),
          clusters: deploying.map((c) => c.name),
        });
        continue;
      }
      index = owners[0] ?? -1;
    }
    if (index < 0) {
      unassigned.push(pin);
      continue;
    }
    (pin.role === 'control-plane' ? members[index]!.controlPlanePins : members[index]!.dataPlanePins).push(
      pin,
    );
  }
  for (const m of members) {
    if (m.clusters.length === 0 && m.controlPlanePins.length === 0 && m.dataPlanePins.length === 0)
      throw waveMatchesNothing(m.wave);
  }
  return { waves: members, shared, unassigned };
}

/** What to do about a shared pin, for people: give each cluster its own value. */
export function sharedPinAdvice(shared: SharedPin): string {
  const { pin } = shared;
  return (
    `${pin.file}:${pin.line} (${pin.location}) pins ${pin.version} for waves ${shared.waves.join(', ')} at once ` +
    `(clusters ${shared.clusters.join(', ')}); it is not bumped wave by wave. Give each cluster its own value: ` +
    `write \${version} there and add a ConfigMap per cluster (e.g. ${shared.clusters[0]}/istio-version.yaml) fed by ` +
    `its Flux Kustomization's postBuild.substituteFrom, or a per-cluster kustomize patch of that field.`
  );
}
