// renderSidecars: the kube-inject pipeline's orchestration. Finds workload documents, injects them
// (from the injection cache, else in a few parallel istioctl batches), judges the output, and writes
// only what changed (in place, to a render dir, or as patches), all or nothing. The steps live in
// render-tools (istioctl and configs), inject-groups (jobs through kube-inject), judged-jobs,
// output/ (one module per output mode, and the patch files' sidecars) and write-sidecars.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { resolveInsideWorkspace } from '../workspace/files.js';
import { injectGroups } from './inject-groups.js';
import { defaultCacheDir } from './injection-cache.js';
import { judgeInjected } from './judged-jobs.js';
import { findJobs, readSources, valuesFromModel } from './jobs.js';
import { plannedChanges } from './output/changes.js';
import { regeneratePatchedSidecars } from './output/patched-sidecars.js';
import { PodSettingsCache } from './pod-settings-cache.js';
import { renderTools, resolveIstioctl } from './render-tools.js';
import { readRepoMesh, type RepoMesh } from './repo-mesh.js';
import { selectionFor, selectJobs } from './selection.js';
import {
  INJECT_OUTPUT_MODES,
  type InjectOutputMode,
  type RenderSidecarsDeps,
  type RenderSidecarsOptions,
  type RenderSidecarsResult,
} from './types.js';
import { sidecarsResult, writeSidecars } from './write-sidecars.js';

// The options and result types live in types.ts; callers may keep importing them from here.
export type * from './types.js';
export { INJECT_OUTPUT_MODES } from './types.js';

export async function renderSidecars(
  options: RenderSidecarsOptions,
  deps: RenderSidecarsDeps = {},
): Promise<RenderSidecarsResult> {
  const logger = deps.logger ?? silentLogger;
  const mode = checkedOutputMode(options);
  const revision = options.revision && options.revision !== 'default' ? options.revision : undefined;
  const cacheDir = options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir());

  const run = await resolveIstioctl(options, revision, deps, cacheDir, logger);
  const repoMesh =
    options.repoValues === false
      ? undefined
      : await readRepoMesh(options.workspace, revision, logger, deps.mesh, cacheDir);
  const scratch = await mkdtemp(join(tmpdir(), 'kube-inject-'));
  try {
    const tools = renderTools({ options, deps, run, revision, repoMesh, scratch, cacheDir, logger });
    const config = await tools.configFor(revision);
    const { found, files } = workloadJobs(options, mode, repoMesh, logger);
    const podSettings = PodSettingsCache.open(cacheDir);
    podSettings.attach(found);
    const selection = selectionFor(options.selection, options.paths);
    const { jobs, skipped: notSelected } = selectJobs(found, selection, repoMesh, revision);
    logger.info(
      `${found.length} workload documents in ${files} files, ${jobs.length} selected (${selection})`,
    );
    const injected = await injectGroups(jobs, { options, tools, revision, repoMesh, cacheDir, logger });
    const judged = judgeInjected(jobs, injected, notSelected, mode, repoMesh, podSettings);
    const changes = plannedChanges(mode, options.workspace, options.outputDir, judged, logger);
    let processes = injected.processes;
    if (repoMesh?.patchedSidecars && mode !== 'render-dir') {
      const setup = { options, mode, repoMesh, tools, revision, configNative: config.nativeSidecars, logger };
      processes += await regeneratePatchedSidecars(setup, jobs, judged, changes);
    }
    const { caches } = injected;
    const written = await writeSidecars(
      { options, mode, repoMesh, cacheDir, caches, podSettings, readValues: judged.readValues, logger },
      judged.workloads,
      changes,
    );
    const facts = { version: run.version, revision, istioctl: run.binary, config, mode, processes };
    return sidecarsResult({ ...facts, reinjected: injected.reinjected }, judged.workloads, changes, written);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The workload documents of the sources; a kustomize patch is never one, even one that looks like it. */
function workloadJobs(
  options: RenderSidecarsOptions,
  mode: InjectOutputMode,
  repoMesh: RepoMesh | undefined,
  logger: Logger,
) {
  const files = readSources(options, mode, logger);
  const patchFiles = repoMesh?.patchFiles ?? new Set<string>();
  const found = findJobs(files, logger).filter((job) => {
    if (!patchFiles.has(job.file.path)) return true;
    logger.info(`left ${job.where} alone: a kustomize patch, not a workload`);
    return false;
  });
  if (repoMesh) for (const job of found) valuesFromModel(job, repoMesh);
  return { found, files: files.length };
}

function checkedOutputMode(options: RenderSidecarsOptions): InjectOutputMode {
  const mode = options.output ?? 'in-place';
  if (!INJECT_OUTPUT_MODES.includes(mode))
    throw new InvalidInputError(`'${String(mode)}' is not an output mode`, {
      input: 'output',
      hint: `Use ${INJECT_OUTPUT_MODES.join(', ')}.`,
    });
  if (mode === 'render-dir' && !options.outputDir)
    throw new InvalidInputError('output render-dir needs an output directory', {
      input: 'output-dir',
      hint: 'Set output-dir, e.g. rendered.',
    });
  if (mode === 'render-dir') resolveInsideWorkspace(options.workspace, options.outputDir!, 'output-dir');
  return mode;
}
