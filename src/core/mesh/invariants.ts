// The mesh invariants, checked on the rendered model: each finding has a stable code (MESH001-006),
// the file and line that caused it, and a fix hint. Codes never change meaning once released.
import {
  chartRepositoryServes,
  imageRegistryServes,
  type ArtifactSourceVerdict,
} from '../releases/artifact-hosts.js';
import { compareVersions, minorDistance, parseIstioVersion } from '../versions/parse.js';
import { asRecord, asString } from './documents.js';
import type {
  ControlPlane,
  MeshCluster,
  MeshFinding,
  MeshFindingCode,
  MeshModel,
  SourceLocation,
  Workload,
} from './types.js';

/** What an artifact host serves (Istio's host rules, src/core/releases/artifact-hosts.ts). */
export interface ArtifactHostRules {
  chartRepositoryServes(repository: string, version: string, now?: Date): HostAnswer;
  imageRegistryServes(imageOrHub: string, version: string, now?: Date): HostAnswer;
}

export type HostAnswer = ArtifactSourceVerdict;

const MESH_RULES: Record<MeshFindingCode, { title: string; level: 'Error' | 'Warning' }> = {
  MESH001: { title: 'A pod template has more than one istio-proxy container', level: 'Error' },
  MESH002: { title: 'A sidecar is newer than the control plane revision that serves it', level: 'Error' },
  MESH003: { title: 'A sidecar is more than one minor behind its control plane', level: 'Warning' },
  MESH004: { title: 'A chart or image source does not serve the pinned version', level: 'Error' },
  MESH005: {
    title: 'A namespace or pod names a revision or tag that no control plane defines',
    level: 'Error',
  },
  MESH006: { title: 'A namespace has both istio-injection and istio.io/rev', level: 'Warning' },
};

/** Istio's own host rules (the 1.31 move off gcr.io, registry.istio.io and the GCS bucket). */
const ISTIO_ARTIFACT_HOSTS: ArtifactHostRules = { chartRepositoryServes, imageRegistryServes };

export interface InvariantOptions {
  /** Default: Istio's rules. */
  hosts?: ArtifactHostRules;
  now?: Date;
}

export function checkMeshInvariants(model: MeshModel, options: InvariantOptions = {}): MeshFinding[] {
  const findings: MeshFinding[] = [];
  for (const cluster of model.clusters) {
    const add = (
      code: MeshFindingCode,
      origin: string,
      message: string,
      hint: string,
      where?: SourceLocation,
    ) =>
      findings.push({
        code,
        level: MESH_RULES[code].level,
        cluster: cluster.name,
        origin,
        message,
        hint,
        ...(where ? { file: where.file, line: where.line } : {}),
      });
    for (const workload of cluster.workloads) checkWorkload(cluster, workload, add);
    checkNamespaces(cluster, add);
    checkHosts(cluster, options.hosts ?? ISTIO_ARTIFACT_HOSTS, options.now, add);
  }
  return findings.sort(
    (a, b) =>
      a.code.localeCompare(b.code) ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0),
  );
}

type Add = (
  code: MeshFindingCode,
  origin: string,
  message: string,
  hint: string,
  where?: SourceLocation,
) => void;

/** The control plane a revision or tag name selects in a cluster. */
export function controlPlaneFor(cluster: MeshCluster, name: string): ControlPlane | undefined {
  return (
    cluster.controlPlanes.find((p) => p.revision === name) ??
    cluster.controlPlanes.find((p) => p.tags.includes(name))
  );
}

function checkWorkload(cluster: MeshCluster, workload: Workload, add: Add): void {
  const origin = `${workload.kind} ${workload.namespace}/${workload.name}`;
  const { sidecar } = workload;
  if (sidecar.count > 1) {
    const places = sidecar.sources.map((s) => `${s.file}:${s.line} (${s.origin})`).join(', ');
    const stale = sidecar.sources.find((s) => s.origin !== 'inline') ?? sidecar.sources[1] ?? workload.source;
    add(
      'MESH001',
      origin,
      `the pod template has ${sidecar.count} istio-proxy containers${places ? `: ${places}` : ''}`,
      'Keep one sidecar: delete the stale patch (or the inline container) so that kustomize renders a single istio-proxy.',
      stale,
    );
  }
  if (workload.podRevision)
    checkRevisionExists(
      cluster,
      'pod',
      workload.podRevision.value,
      origin,
      workload.podRevision.source ?? workload.source,
      add,
    );
  if (!sidecar.version || !sidecar.revision) return;
  const plane = controlPlaneFor(cluster, sidecar.revision);
  if (!plane?.version || !parseIstioVersion(plane.version)) return;
  const where = sidecar.source ?? workload.source;
  if (compareVersions(sidecar.version, plane.version) > 0) {
    add(
      'MESH002',
      origin,
      `the sidecar runs ${sidecar.version}, newer than the control plane revision ${plane.revision} (${plane.version}) that serves it`,
      `Upgrade the control plane first, or set the sidecar back to ${plane.version}: Istio allows proxies behind the control plane, never ahead.`,
      where,
    );
  } else if (minorDistance(sidecar.version, plane.version) > 1) {
    add(
      'MESH003',
      origin,
      `the sidecar runs ${sidecar.version}, more than one minor behind the control plane revision ${plane.revision} (${plane.version})`,
      `Re-inject the sidecar at ${plane.version}: Istio supports proxies at most one minor behind the control plane.`,
      where,
    );
  }
}

/** MESH005 when a cluster with control planes has none for the revision or tag `name`. */
function checkRevisionExists(
  cluster: MeshCluster,
  what: 'pod' | 'namespace',
  name: string,
  origin: string,
  where: SourceLocation | undefined,
  add: Add,
): void {
  if (cluster.controlPlanes.length === 0 || controlPlaneFor(cluster, name)) return;
  add(
    'MESH005',
    origin,
    `the ${what} asks for revision '${name}', which no control plane of cluster ${cluster.name} defines (${known(cluster)})`,
    `Point istio.io/rev on the ${what} at a revision or tag a control plane defines, or add that revision or tag.`,
    where,
  );
}

function known(cluster: MeshCluster): string {
  const names = cluster.controlPlanes.flatMap((p) => [p.revision, ...p.tags]);
  return names.length > 0 ? `known: ${names.join(', ')}` : 'none is declared';
}

function checkNamespaces(cluster: MeshCluster, add: Add): void {
  for (const namespace of cluster.namespaces) {
    const origin = `Namespace ${namespace.name}`;
    if (namespace.injection && namespace.revision) {
      add(
        'MESH006',
        origin,
        `the namespace has istio-injection=${namespace.injection.value} and istio.io/rev=${namespace.revision.value}; istio-injection wins, so the revision label has no effect`,
        'Remove the istio-injection label and keep istio.io/rev (or the other way round).',
        namespace.injection.source ?? namespace.source,
      );
    }
    if (namespace.revision)
      checkRevisionExists(
        cluster,
        'namespace',
        namespace.revision.value,
        origin,
        namespace.revision.source ?? namespace.source,
        add,
      );
  }
}

function checkHosts(cluster: MeshCluster, hosts: ArtifactHostRules, now: Date | undefined, add: Add): void {
  const declarations = [
    ...cluster.controlPlanes.flatMap((p) => p.declarations),
    ...cluster.components.flatMap((c) => (c.declaration ? [c.declaration] : [])),
  ];
  for (const d of declarations) {
    const version = d.version ?? d.chart?.version;
    if (!version || !parseIstioVersion(version)) continue;
    if (d.chart?.repository) {
      const answer = hosts.chartRepositoryServes(d.chart.repository, version, now);
      if (!answer.serves)
        add(
          'MESH004',
          d.name,
          hostMessage(`chart repository ${d.chart.repository}`, version, answer),
          hostHint(answer),
          d.source,
        );
    }
    const global = asRecord(d.values.global);
    const hub = asString(global?.hub) ?? asString(d.values.hub);
    if (hub) {
      const answer = hosts.imageRegistryServes(hub, version, now);
      if (!answer.serves)
        add('MESH004', d.name, hostMessage(`image hub ${hub}`, version, answer), hostHint(answer), d.source);
    }
  }
  for (const workload of cluster.workloads) {
    const { image, version } = workload.sidecar;
    if (!image || !version) continue;
    const answer = hosts.imageRegistryServes(image, version, now);
    if (!answer.serves)
      add(
        'MESH004',
        `${workload.kind} ${workload.namespace}/${workload.name}`,
        hostMessage(`image ${image}`, version, answer),
        hostHint(answer),
        workload.sidecar.source ?? workload.source,
      );
  }
}

function hostMessage(what: string, version: string, answer: HostAnswer): string {
  // The hint says where to go instead; the message need not say it twice.
  const reason = answer.replacement
    ? answer.reason?.replace(` Use ${answer.replacement}.`, '')
    : answer.reason;
  return `${what} does not serve Istio ${version}${reason ? `: ${reason}` : ''}`;
}

function hostHint(answer: HostAnswer): string {
  return answer.replacement
    ? `Use ${answer.replacement} instead.`
    : "Point it at a host that publishes this version (see Istio's 1.31 upgrade notes).";
}
