// The selected jobs through kube-inject, grouped by the revision that renders them and, within a
// revision, by sidecar mode (native or classic): each group with its own config, cache and istioctl.
import type { SkippedWorkload } from '../istioctl/runner.js';
import type { Logger } from '../logger.js';
import { injectJobs } from './cached-injection.js';
import type { InjectConfig } from './inject-config.js';
import { InjectionCache, sha256 } from './injection-cache.js';
import type { Job } from './jobs.js';
import type { RenderTools } from './render-tools.js';
import type { RepoMesh } from './repo-mesh.js';
import { revisionForJob } from './revisions.js';
import { bodyForMode, sidecarModeGroups, type ModeGroup } from './sidecar-mode.js';
import type { RenderSidecarsOptions } from './types.js';

export interface InjectedGroups {
  /** istioctl's output per job, in job order. */
  outputs: string[];
  skipLines: Map<Job, readonly (SkippedWorkload | undefined)[]>;
  /** The cache that answered (or recorded) each job. */
  cacheOf: Map<Job, InjectionCache>;
  caches: InjectionCache[];
  groups: ModeGroup[];
  processes: number;
  reinjected: number;
}

export interface InjectGroupsSetup {
  options: RenderSidecarsOptions;
  tools: RenderTools;
  revision: string | undefined;
  repoMesh: RepoMesh | undefined;
  cacheDir: string | undefined;
  logger: Logger;
}

export async function injectGroups(jobs: readonly Job[], setup: InjectGroupsSetup): Promise<InjectedGroups> {
  const result: InjectedGroups = {
    outputs: new Array<string>(jobs.length),
    skipLines: new Map(),
    cacheOf: new Map(),
    caches: [],
    groups: [],
    processes: 0,
    reinjected: 0,
  };
  for (const { revision: rev, indexes } of jobsByRevision(jobs, setup).values()) {
    const revConfig = await setup.tools.configFor(rev);
    const revGroups = modeGroups(jobs, indexes, revConfig, setup);
    result.groups.push(...revGroups);
    for (const group of revGroups) await injectGroup(jobs, group, rev, revConfig, setup, result);
  }
  return result;
}

/** Job indexes per revision that renders them, logged when that is not just the run's revision. */
function jobsByRevision(jobs: readonly Job[], setup: InjectGroupsSetup) {
  const { repoMesh, revision, options } = setup;
  const byRevision = new Map<string, { revision: string | undefined; indexes: number[] }>();
  jobs.forEach((job, j) => {
    const rev = revisionForJob(job, repoMesh, revision, options.pinRevision);
    const entry = byRevision.get(rev ?? 'default') ?? { revision: rev, indexes: [] };
    entry.indexes.push(j);
    byRevision.set(rev ?? 'default', entry);
  });
  if (byRevision.size > 1 || (byRevision.size === 1 && !byRevision.has(revision ?? 'default')))
    setup.logger.info(
      `rendered per revision: ${[...byRevision.entries()].map(([name, e]) => `${name} (${e.indexes.length})`).join(', ')}`,
    );
  return byRevision;
}

/** A revision's jobs split by sidecar mode, with indexes into all the jobs. */
function modeGroups(
  jobs: readonly Job[],
  indexes: readonly number[],
  revConfig: InjectConfig,
  setup: InjectGroupsSetup,
): ModeGroup[] {
  return sidecarModeGroups(
    indexes.map((i) => jobs[i]!),
    setup.options.nativeSidecars !== undefined,
    revConfig.nativeSidecars,
    setup.logger,
  ).map((g) => ({
    native: g.native,
    indexes: g.indexes.map((i) => indexes[i]!),
    existing: new Map([...g.existing].map(([i, m]) => [indexes[i]!, m] as const)),
  }));
}

async function injectGroup(
  jobs: readonly Job[],
  group: ModeGroup,
  rev: string | undefined,
  revConfig: InjectConfig,
  setup: InjectGroupsSetup,
  result: InjectedGroups,
): Promise<void> {
  const { cacheDir, logger, options } = setup;
  const groupConfig =
    group.native === revConfig.nativeSidecars
      ? revConfig
      : { ...revConfig, nativeSidecars: group.native, key: sha256(revConfig.key, `native=${group.native}`) };
  const cache = cacheDir
    ? InjectionCache.open(cacheDir, groupConfig.key, logger)
    : InjectionCache.disabled(logger);
  result.caches.push(cache);
  const groupJobs = group.indexes.map((j) => {
    const job = jobs[j]!;
    const body = bodyForMode(job, group.existing.get(j), group.native);
    return body === job.body ? job : { ...job, body };
  });
  const own = await setup.tools.istioctlFor(rev);
  const injected = await injectJobs(
    groupJobs,
    {
      binary: own.binary,
      version: own.version,
      revision: rev,
      config: groupConfig,
      ...(options.workers ? { workers: options.workers } : {}),
      logger,
    },
    cache,
  );
  group.indexes.forEach((j, i) => {
    result.outputs[j] = injected.outputs[i]!;
    const job = jobs[j]!;
    result.cacheOf.set(job, cache);
    const lines = injected.skipLines.get(groupJobs[i]!);
    if (lines) result.skipLines.set(job, lines);
  });
  result.processes += injected.processes;
  result.reinjected += injected.reinjected;
}
