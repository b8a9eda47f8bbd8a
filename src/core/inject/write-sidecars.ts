// The end of a run: the skips reported (or failed on), the result rendered as the cluster would get
// it, the changes written all or nothing, the caches saved, and the run's result and summary.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { writeFilesAtomically } from '../workspace/atomic.js';
import type { InjectConfig } from './inject-config.js';
import type { InjectionCache } from './injection-cache.js';
import type { PlannedChange } from './output/changes.js';
import type { PodSettingsCache } from './pod-settings-cache.js';
import type { ReadValues } from '../mesh/yaml-values.js';
import { checkRenderedResult } from './render-check.js';
import { recordRepoMeshFacts, type RepoMesh } from './repo-mesh.js';
import { renderInjectSummary } from './summary.js';
import type {
  InjectOutputMode,
  RenderSidecarsOptions,
  RenderSidecarsResult,
  WorkloadResult,
} from './types.js';
import { workloadName } from './workloads.js';

export interface WriteSetup {
  options: RenderSidecarsOptions;
  mode: InjectOutputMode;
  repoMesh: RepoMesh | undefined;
  cacheDir: string | undefined;
  caches: readonly InjectionCache[];
  podSettings: PodSettingsCache;
  /** The written documents' values, already read by the two-proxy check (judgeInjected). */
  readValues?: ReadValues;
  logger: Logger;
}

export interface Written {
  skipped: RenderSidecarsResult['skipped'];
  renderCheck: RenderSidecarsResult['renderCheck'];
}

export async function writeSidecars(
  setup: WriteSetup,
  workloads: readonly WorkloadResult[],
  changes: readonly PlannedChange[],
): Promise<Written> {
  const { options, mode, repoMesh, logger } = setup;
  logger.info(`${changes.length} files to write`);
  const skipped = skippedWorkloads(workloads, logger);
  if (options.failOnSkip && skipped.length > 0) throw failOnSkipError(skipped);
  // The result as the cluster would get it: rendered before writing, all or nothing.
  const checked =
    repoMesh && changes.length > 0 && mode !== 'render-dir'
      ? await checkRenderedResult(
          options.workspace,
          changes,
          await repoMesh.loadBuild(),
          logger,
          setup.readValues,
        )
      : undefined;
  if (!options.dryRun && changes.length > 0) {
    for (const change of changes) await mkdir(dirname(change.absolute), { recursive: true });
    writeFilesAtomically(
      changes.map((c) => ({ path: c.absolute, content: c.content, expected: c.expected })),
      { root: options.workspace, logger },
    );
    // The next run over this very content needs no model: remember the facts of the one just checked.
    if (checked) recordRepoMeshFacts(options.workspace, setup.cacheDir, checked.after, logger);
  }
  for (const cache of setup.caches) cache.save();
  setup.podSettings.save();
  return { skipped, renderCheck: checked?.check };
}

export interface RunFacts {
  version: string;
  revision: string | undefined;
  istioctl: string;
  config: InjectConfig;
  mode: InjectOutputMode;
  processes: number;
  reinjected: number;
}

export function sidecarsResult(
  run: RunFacts,
  workloads: WorkloadResult[],
  changes: readonly PlannedChange[],
  written: Written,
): RenderSidecarsResult {
  const { version, revision, mode } = run;
  const rendered = written.renderCheck;
  const proxyImage =
    mostCommon(workloads.flatMap((w) => (w.to?.proxyImage ? [w.to.proxyImage] : []))) ??
    run.config.proxyImage;
  const changedFiles = changes.map((c) => c.path);
  return {
    version,
    ...(revision ? { revision } : {}),
    istioctl: run.istioctl,
    proxyImage,
    nativeSidecars: run.config.nativeSidecars,
    output: mode,
    changedFiles,
    workloads,
    injected: workloads.filter((w) => w.status !== 'skipped').length,
    skipped: written.skipped,
    istioctlProcesses: run.processes,
    reinjectedDocuments: run.reinjected,
    ...(rendered ? { renderCheck: rendered } : {}),
    summary: renderInjectSummary({
      version,
      ...(revision ? { revision } : {}),
      proxyImage,
      output: mode,
      changedFiles,
      workloads,
      ...(rendered ? { renderCheck: rendered } : {}),
    }),
  };
}

function skippedWorkloads(
  workloads: readonly WorkloadResult[],
  logger: Logger,
): RenderSidecarsResult['skipped'] {
  const skipped = workloads
    .filter((w) => w.status === 'skipped')
    .map((w) => ({
      file: w.file,
      kind: w.kind,
      name: w.name,
      ...(w.namespace ? { namespace: w.namespace } : {}),
      reason: w.skipReason ?? ('not-injected' as const),
      ...(w.skipMessage ? { message: w.skipMessage } : {}),
    }));
  for (const s of skipped)
    logger.notice(`skipped ${s.kind} ${workloadName(s)}: ${s.reason}`, { file: s.file });
  return skipped;
}

function failOnSkipError(skipped: RenderSidecarsResult['skipped']): InvalidInputError {
  return new InvalidInputError(
    `${skipped.length} workloads were skipped: ${skipped
      .slice(0, 5)
      .map((s) => `${s.file} ${s.kind} ${workloadName(s)} (${s.reason})`)
      .join(', ')}`,
    {
      input: 'fail-on-skip',
      hint: 'Remove the reason (inject "false", hostNetwork, system namespace), exclude the file, or set fail-on-skip to false. Nothing was written.',
    },
  );
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}
