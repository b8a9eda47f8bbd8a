// Revision upgrades the Sail Operator runs itself: with `updateStrategy.type: RevisionBased`, a new
// `spec.version` is the canary (Sail creates the IstioRevision `<name>-v1-31-0`), so the hop is two
// PRs: bump the version, then move the IstioRevisionTag and namespaces and re-render the sidecars.
// Sail prunes the old revision itself once unused (`inactiveRevisionDeletionGracePeriodSeconds`).
import { readFileSync } from 'node:fs';
import { asRecord, asString } from '../../mesh/documents.js';
import { controlPlaneFor } from '../../mesh/invariants.js';
import type { MeshCluster, MeshModel, RenderedObject } from '../../mesh/types.js';
import { writeFilesAtomically } from '../../workspace/atomic.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import { parseIstioVersion } from '../../versions/parse.js';
import { applyTextEdits, findObject, replaceScalar, type TextEdit } from './yaml-text.js';

export const SAIL_PRUNES: { rule: string; source: string } = {
  rule: 'with updateStrategy RevisionBased, Sail creates an IstioRevision per spec.version and deletes an unused one after inactiveRevisionDeletionGracePeriodSeconds',
  source: 'https://github.com/istio-ecosystem/sail-operator/blob/main/docs/general/update-strategy.md',
};

export interface SailRevisionBased {
  cluster: MeshCluster;
  istio: RenderedObject;
  /** The active revision the model reads (`default-v1-31-0`). */
  revision: string;
  version: string;
}

/** The one Sail `Istio` of a repo when it updates by revision, else undefined. */
export function sailRevisionBasedOf(model: MeshModel): SailRevisionBased | undefined {
  const clusters = model.clusters.filter((c) => c.controlPlanes.length > 0);
  const cluster = clusters[0];
  if (clusters.length !== 1 || !cluster || cluster.controlPlanes.length !== 1) return undefined;
  if (cluster.components.some((c) => c.component === 'ztunnel' || c.component === 'cni')) return undefined;
  const plane = cluster.controlPlanes[0]!;
  const declaration = plane.declarations[0];
  if (plane.declarations.length !== 1 || declaration?.sourceId !== 'sail-istio' || !plane.version)
    return undefined;
  const istio = cluster.objects.find(
    (o) =>
      o.kind === 'Istio' &&
      o.source?.file === declaration.source?.file &&
      o.source?.line === declaration.source?.line,
  );
  const strategy = asString(asRecord(asRecord(istio?.object.spec)?.updateStrategy)?.type);
  if (!istio || strategy !== 'RevisionBased') return undefined;
  const version = parseIstioVersion(plane.version)?.version;
  return version ? { cluster, istio, revision: sailRevisionName(istio.name, version), version } : undefined;
}

export function sailRevisionName(istio: string, version: string): string {
  return `${istio}-v${version.replace(/\./g, '-')}`;
}

export interface SailMove {
  sail: SailRevisionBased;
  /** What still names an older revision of this Istio, for the PR body. */
  moves: { what: string; file: string; kind: string; name: string; path: (string | number)[] }[];
  /** Whether sidecars in git were injected by another revision than the active one. */
  staleSidecars: number;
}

/** What the data-plane PR moves to the active revision: tags and namespace labels naming older ones. */
export function planSailMove(sail: SailRevisionBased): SailMove {
  const { cluster, istio, revision } = sail;
  const older = (name: string | undefined) =>
    Boolean(name && name !== revision && name.startsWith(`${istio.name}-v`));
  const moves: SailMove['moves'] = [];
  for (const o of cluster.objects) {
    if (o.kind !== 'IstioRevisionTag' || !o.source) continue;
    const ref = asRecord(asRecord(o.object.spec)?.targetRef);
    if (asString(ref?.kind) === 'IstioRevision' && older(asString(ref?.name)))
      moves.push({
        what: `IstioRevisionTag ${o.name} points at ${asString(ref?.name)}`,
        file: o.source.file,
        kind: 'IstioRevisionTag',
        name: o.name,
        path: ['spec', 'targetRef', 'name'],
      });
  }
  for (const ns of cluster.namespaces)
    if (!ns.injection && older(ns.revision?.value) && ns.source)
      moves.push({
        what: `namespace ${ns.name} is labelled istio.io/rev=${ns.revision!.value}`,
        file: ns.source.file,
        kind: 'Namespace',
        name: ns.name,
        path: ['metadata', 'labels', 'istio.io/rev'],
      });
  const plane = cluster.controlPlanes[0]!;
  const staleSidecars = cluster.workloads.filter(
    (w) =>
      w.sidecar.state !== 'none' &&
      w.sidecar.revision !== undefined &&
      w.sidecar.revision !== revision &&
      controlPlaneFor(cluster, w.sidecar.revision) !== plane,
  ).length;
  return { sail, moves, staleSidecars };
}

/** Writes the moves (byte splices, all files or none); returns the files changed and notes. */
export function applySailMove(workspace: string, move: SailMove): { files: string[]; notes: string[] } {
  const byFile = new Map<string, TextEdit[]>();
  const read = new Map<string, string>();
  for (const m of move.moves) {
    const text = read.get(m.file) ?? readFileSync(resolveInsideWorkspace(workspace, m.file), 'utf8');
    read.set(m.file, text);
    const located = findObject(text, m.file, m.kind, m.name);
    const edit = located && replaceScalar(text, m.file, located, m.path, move.sail.revision);
    if (edit) byFile.set(m.file, [...(byFile.get(m.file) ?? []), edit]);
  }
  const files = [...byFile.keys()].sort();
  writeFilesAtomically(
    files.map((f) => ({
      path: resolveInsideWorkspace(workspace, f),
      content: applyTextEdits(read.get(f)!, f, byFile.get(f)!),
      expected: read.get(f)!,
    })),
    { root: workspace },
  );
  return { files, notes: move.moves.map((m) => `${m.what}: now ${move.sail.revision}`) };
}

/** The PR body part of a Sail revision hop. */
export function sailPullRequestBody(
  step: 1 | 2,
  sail: SailRevisionBased,
  from: string,
  notes: readonly string[],
): string {
  const lines =
    step === 1
      ? [
          `**Revision-based upgrade (Sail Operator), step 1 of 2**: Istio ${sail.istio.name} goes from ${from} to the target; Sail creates the new IstioRevision beside ${sailRevisionName(sail.istio.name, from)}, which keeps serving every proxy.`,
          '',
          '**Next** (opened by a later run once this one is merged): (2/2) move the revision tags and namespace labels to the new revision, and re-render the sidecars in git with its injector.',
          '',
          '**Roll back:** revert this PR; Sail makes the old revision active again.',
        ]
      : [
          `**Revision-based upgrade (Sail Operator), step 2 of 2**: move the data plane to ${sail.revision}.`,
          '',
          'This PR:',
          ...notes.map((n) => `- ${n}`),
          '',
          `**Next:** nothing to open. ${SAIL_PRUNES.rule} (${SAIL_PRUNES.source}).`,
          '',
          '**Roll back:** revert this PR (the old revision still runs until Sail prunes it).',
        ];
  return lines.join('\n');
}
