// istioctl's outputs judged job by job: the workload results (with the selection's skips, sidecar
// modes and origins), the new document bodies per file, and, before anything is written, the check
// that no rewritten document carries two proxies.
import type { SkippedWorkload } from '../istioctl/runner.js';
import type { InjectedGroups } from './inject-groups.js';
import { judgeJob } from './judgement.js';
import { normalisedBody, type Job, type SourceFile } from './jobs.js';
import type { PodSettingsCache } from './pod-settings-cache.js';
import { ReadValues } from '../mesh/yaml-values.js';
import { assertOneProxy } from './render-check.js';
import type { RepoMesh } from './repo-mesh.js';
import { recordModes } from './sidecar-mode.js';
import type { InjectOutputMode, WorkloadResult } from './types.js';

export type JudgedJobs = ReturnType<typeof judgeAll>;

export function judgeInjected(
  jobs: readonly Job[],
  injected: InjectedGroups,
  notSelected: readonly WorkloadResult[],
  mode: InjectOutputMode,
  repoMesh: RepoMesh | undefined,
  podSettings: PodSettingsCache,
): JudgedJobs {
  const judged = judgeAll(jobs, injected.outputs, injected.skipLines, mode);
  judged.workloads.push(...notSelected);
  recordModes(judged.workloads, jobs, injected.groups);
  for (const w of judged.workloads) {
    const origin = repoMesh?.originOf(w.file, w.line);
    if (origin) w.origin = origin;
  }
  // Never two proxies: every document istioctl rewrote is checked before anything is written.
  // In place, what is written is istioctl's own output, which it gives back unchanged (ADR 0008):
  // remember that, so the next run finds the file current without asking istioctl again. The old
  // document is gone from the file, so its (large) answer is not kept. The check's read of each body
  // written in place is kept too: the render check's model takes it instead of reading it again.
  const inPlace = mode === 'in-place';
  for (const [job, replacement] of judged.replacedJobs) {
    const written = normalisedBody(replacement);
    const parsed = assertOneProxy(
      inPlace ? written : replacement,
      job.file.path,
      job.slice.line,
      inPlace ? judged.readValues : undefined,
    );
    if (!inPlace) continue;
    const cache = injected.cacheOf.get(job)!;
    cache.forget(job.body);
    cache.record(written, { output: written, skipped: [...(injected.skipLines.get(job) ?? [])] });
    podSettings.record(written, parsed);
  }
  return judged;
}

function judgeAll(
  jobs: readonly Job[],
  outputs: readonly string[],
  skipLines: ReadonlyMap<Job, readonly (SkippedWorkload | undefined)[]>,
  mode: InjectOutputMode,
) {
  const workloads: WorkloadResult[] = [];
  const replacements = new Map<SourceFile, Map<number, string>>();
  const replacedJobs = new Map<Job, string>();
  const injectedObjects = new Map<Job, unknown>();
  jobs.forEach((job, j) => {
    const judgement = judgeJob(job, outputs[j]!, skipLines.get(job) ?? [], mode === 'patches');
    workloads.push(...judgement.workloads);
    if (judgement.injected !== undefined) injectedObjects.set(job, judgement.injected);
    if (judgement.replacement === undefined) return;
    replacedJobs.set(job, judgement.replacement);
    const perFile = replacements.get(job.file) ?? new Map<number, string>();
    perFile.set(job.slice.index, judgement.replacement);
    replacements.set(job.file, perFile);
  });
  return { jobs, workloads, replacements, replacedJobs, injectedObjects, readValues: new ReadValues() };
}
