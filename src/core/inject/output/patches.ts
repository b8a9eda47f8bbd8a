// The `patches` output: sources stay clean; one strategic-merge patch per injected workload beside
// its file, listed in that directory's kustomization.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Logger } from '../../logger.js';
import { KUSTOMIZATION_FILES, patchFileName, sidecarPatch, wirePatches } from '../patches.js';
import { predictedSkipReason, sidecarOf } from '../workloads.js';
import type { ChangeSet, JudgedOutput } from './changes.js';

export function patchChanges(judged: JudgedOutput, changes: ChangeSet, logger: Logger): void {
  const patchesByDir = new Map<string, string[]>();
  for (const job of judged.jobs) {
    const injected = judged.injectedObjects.get(job);
    if (job.isList) {
      logger.warning(`${job.where}: a List cannot be patched by kustomize; use output in-place for it`, {
        file: job.file.path,
        line: job.slice.line,
      });
      continue;
    }
    const workload = job.workloads[0]!;
    if (!sidecarOf(injected) || predictedSkipReason(job.source())) continue;
    const patch = sidecarPatch(workload, job.source(), injected);
    if (!patch) continue;
    const dir = posix.dirname(job.file.path);
    const name = patchFileName(workload);
    changes.propose(dir === '.' ? name : posix.join(dir, name), patch);
    patchesByDir.set(dir, [...(patchesByDir.get(dir) ?? []), name]);
  }
  for (const [dir, names] of [...patchesByDir].sort(([a], [b]) => a.localeCompare(b))) {
    const kustomization = KUSTOMIZATION_FILES.map((f) => (dir === '.' ? f : posix.join(dir, f))).find((f) =>
      existsSync(join(changes.root, f)),
    );
    if (!kustomization) {
      logger.warning(
        `${dir}: no kustomization.yaml to list the patches in; add it and list ${names.join(', ')}`,
        {
          file: dir,
        },
      );
      continue;
    }
    const wired = wirePatches(
      readFileSync(join(changes.root, kustomization), 'utf8'),
      [...new Set(names)].sort(),
    );
    if (wired !== undefined) changes.propose(kustomization, wired);
  }
}
