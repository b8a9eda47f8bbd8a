// Sidecars that live in patches (JSON6902, strategic merge): each is regenerated where the source map
// says, in its own format. In `patches` mode a JSON6902 sidecar patch moves to our own patch file
// where it can (migrate-json6902), and the selected workloads' own patches are patchChanges' to write.
import { posix } from 'node:path';
import { kubeInject } from '../../istioctl/runner.js';
import type { Logger } from '../../logger.js';
import type { MeshBuild } from '../../mesh/model.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import type { Job } from '../jobs.js';
import { patchFileName } from '../patches.js';
import type { RenderTools } from '../render-tools.js';
import type { RepoMesh } from '../repo-mesh.js';
import { podRevisionChoice, revisionFor, statusRevision } from '../revisions.js';
import type { InjectOutputMode, RenderSidecarsOptions, WorkloadResult } from '../types.js';
import { dig, podTemplateOf, type Workload, type WorkloadKind } from '../workloads.js';
import type { PlannedChange } from './changes.js';
import { json6902Changes, json6902Sidecars, type Json6902Sidecar } from './json6902.js';
import { migrateJson6902 } from './migrate-json6902.js';
import { patchWorkloadResult, strategicMergeChanges, strategicMergeSidecars } from './strategic-merge.js';

export interface PatchedSidecarsSetup {
  options: RenderSidecarsOptions;
  mode: InjectOutputMode;
  repoMesh: RepoMesh;
  tools: RenderTools;
  revision: string | undefined;
  /** The run's own config says native sidecars (read only when native-sidecars is configured). */
  configNative: boolean;
  logger: Logger;
}

type Inject = (input: string, native: boolean, target: Json6902Sidecar) => Promise<string>;

/**
 * Adds the patch files' changes to `changes` and their workloads to `judged.workloads` (in place of
 * the skips the render reported for them); returns the istioctl processes run.
 */
export async function regeneratePatchedSidecars(
  setup: PatchedSidecarsSetup,
  jobs: readonly Job[],
  judged: { workloads: WorkloadResult[] },
  changes: PlannedChange[],
): Promise<number> {
  const { options, mode } = setup;
  const build = await setup.repoMesh.loadBuild();
  let processes = 0;
  const inject: Inject = (input, native, target) => {
    processes++;
    return injectTarget(setup, input, native, target);
  };
  const native = options.nativeSidecars !== undefined ? setup.configNative : undefined;
  const add = (change: Omit<PlannedChange, 'absolute'>) =>
    changes.push({ ...change, absolute: resolveInsideWorkspace(options.workspace, change.path) });
  let json6902 = json6902Sidecars(build);
  if (mode === 'patches') json6902 = await migrated(setup, build, json6902, inject, native, judged, add);
  // In `patches` mode the selected workloads' own patches are patchChanges' to write.
  const taken = new Set([
    ...changes.map((c) => c.path),
    ...(mode === 'patches'
      ? jobs.flatMap((job) => job.workloads.map((w) => ownPatchPath(job.file.path, w)))
      : []),
  ]);
  for (const patched of [
    await json6902Changes(json6902, inject, native),
    await strategicMergeChanges(
      strategicMergeSidecars(build).filter((t) => !taken.has(t.file)),
      inject,
      native,
    ),
  ]) {
    for (const left of patched.metadataLeftOut)
      setup.logger.notice(
        `${left.file} adds the sidecar but no pod metadata, so the pod lacks what the injector also sets (${left.fields.join(', ')}); add those ops to the patch to carry them`,
        { file: left.file, line: left.line },
      );
    for (const change of patched.changes) add(change);
    replaceSkips(judged, patched.workloads);
  }
  return processes;
}

/** Migrates what it can to our own patch files; returns the targets kept in JSON6902. */
async function migrated(
  setup: PatchedSidecarsSetup,
  build: MeshBuild,
  targets: Json6902Sidecar[],
  inject: Inject,
  native: boolean | undefined,
  judged: { workloads: WorkloadResult[] },
  add: (change: Omit<PlannedChange, 'absolute'>) => void,
): Promise<Json6902Sidecar[]> {
  const { logger } = setup;
  const migration = await migrateJson6902(build, targets, inject, native);
  for (const { target, reason } of migration.kept)
    logger.notice(`${target.file} stays a JSON6902 patch, regenerated in its format: ${reason}`, {
      file: target.file,
      line: target.line,
    });
  const moved = migration.migrated.map((m) => {
    logger.notice(`${m.target.file} migrated to ${m.patch} (output patches); the old patch is removed`, {
      file: m.target.file,
    });
    const kind = m.target.object.kind as WorkloadKind;
    return patchWorkloadResult(m.target, kind, m.injected, true, m.native, 'JSON6902 patch');
  });
  replaceSkips(judged, moved);
  for (const change of migration.changes) add(change);
  return migration.kept.map((k) => k.target);
}

/** Puts the patch workloads' results in place of the skips reported for the same workloads. */
function replaceSkips(judged: { workloads: WorkloadResult[] }, results: readonly WorkloadResult[]): void {
  const covered = new Set(results.map((w) => `${w.kind}\0${w.name}`));
  judged.workloads = judged.workloads.filter(
    (w) => w.status !== 'skipped' || !covered.has(`${w.kind}\0${w.name}`),
  );
  judged.workloads.push(...results);
}

/** One rendered workload through the istioctl and config of the revision its pod selects. */
async function injectTarget(
  setup: PatchedSidecarsSetup,
  input: string,
  native: boolean,
  target: Json6902Sidecar,
): Promise<string> {
  const { repoMesh, revision, options, tools } = setup;
  const rev = revisionFor(
    target.workload.namespace,
    podRevisionOf(target.object.object, revision),
    repoMesh,
    revision,
    options.pinRevision,
  );
  const revConfig = await tools.configFor(rev);
  const own = await tools.istioctlFor(rev);
  const result = await kubeInject({
    binary: own.binary,
    version: own.version,
    input,
    injectConfigFile: revConfig.injectConfigFile,
    meshConfigFile: revConfig.meshConfigFile,
    valuesFile: revConfig.valuesFile,
    operatorFile: revConfig.operatorFile,
    revision: rev,
    nativeSidecars: native,
  });
  return result.output;
}

function ownPatchPath(file: string, workload: Workload): string {
  const dir = posix.dirname(file);
  return dir === '.' ? patchFileName(workload) : posix.join(dir, patchFileName(workload));
}

function podRevisionOf(object: unknown, runRevision: string | undefined): string | undefined {
  const metadata = podTemplateOf(object)?.metadata;
  const value = dig(metadata, 'labels', 'istio.io/rev');
  return podRevisionChoice(
    typeof value === 'string' ? value : undefined,
    statusRevision(dig(metadata, 'annotations', 'sidecar.istio.io/status')),
    runRevision,
  );
}
