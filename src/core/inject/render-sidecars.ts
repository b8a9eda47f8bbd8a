// renderSidecars: the kube-inject pipeline's orchestration. Finds workload documents, injects them
// (from the injection cache, else in a few parallel istioctl batches), judges the output, and writes
// only what changed (in place, to a render dir, or as patches), all or nothing.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { istioctlVersion, kubeInject, type SkippedWorkload } from '../istioctl/runner.js';
import { silentLogger, type Logger } from '../logger.js';
import { controlPlaneVersionFor } from '../mesh/running-version.js';
import { writeFilesAtomically } from '../workspace/atomic.js';
import { resolveInsideWorkspace } from '../workspace/files.js';
import { injectJobs } from './cached-injection.js';
import { injectConfig, type InjectConfig } from './inject-config.js';
import { defaultCacheDir, fileDigest, InjectionCache, memo, sha256 } from './injection-cache.js';
import { judgeJob } from './judgement.js';
import { findJobs, normalisedBody, readSources, type Job, type SourceFile } from './jobs.js';
import { plannedChanges } from './output/changes.js';
import { json6902Changes, json6902Sidecars, type Json6902Sidecar } from './output/json6902.js';
import { migrateJson6902 } from './output/migrate-json6902.js';
import {
  patchWorkloadResult,
  strategicMergeChanges,
  strategicMergeSidecars,
} from './output/strategic-merge.js';
import { assertOneProxy, checkRenderedResult } from './render-check.js';
import { PodSettingsCache } from './pod-settings-cache.js';
import { readRepoMesh, recordRepoMeshFacts } from './repo-mesh.js';
import { selectionFor, selectJobs } from './selection.js';
import { podRevisionChoice, revisionFor, revisionForJob, statusRevision } from './revisions.js';
import { revisionIstioctl } from './revision-istioctl.js';
import { bodyForMode, recordModes, sidecarModeGroups, type ModeGroup } from './sidecar-mode.js';
import { renderInjectSummary } from './summary.js';
import {
  INJECT_OUTPUT_MODES,
  type InjectOutputMode,
  type RenderSidecarsDeps,
  type RenderSidecarsOptions,
  type RenderSidecarsResult,
  type WorkloadResult,
} from './types.js';
import { patchFileName } from './patches.js';
import { dig, podTemplateOf, workloadName, type Workload, type WorkloadKind } from './workloads.js';

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

  const { binary, version, digest } = await resolveIstioctl(options, revision, deps, cacheDir, logger);
  const repoMesh =
    options.repoValues === false
      ? undefined
      : await readRepoMesh(options.workspace, revision, logger, deps.mesh, cacheDir);
  const scratch = await mkdtemp(join(tmpdir(), 'kube-inject-'));
  try {
    const context = {
      binary,
      binaryDigest: digest,
      version,
      scratch,
      cacheDir,
      logger,
    };
    // A revision whose control plane runs another Istio version is rendered by that version's istioctl.
    const istioctlFor = revisionIstioctl(
      { binary, version, digest },
      revision,
      options.pinRevision ? undefined : repoMesh,
      deps,
      cacheDir,
      logger,
    );
    // Each revision's injection config is generated once, in its own scratch directory.
    const configs = new Map<string, Promise<InjectConfig>>();
    const configFor = (rev: string | undefined): Promise<InjectConfig> => {
      const name = rev ?? 'default';
      let known = configs.get(name);
      if (!known) {
        known = (async () => {
          const dir = rev === revision ? scratch : join(scratch, `revision-${name}`);
          if (dir !== scratch) await mkdir(dir, { recursive: true });
          const values = rev === revision ? repoMesh?.values : repoMesh?.valuesFor(rev);
          const own = await istioctlFor(rev);
          return injectConfig(options, {
            ...context,
            binary: own.binary,
            version: own.version,
            binaryDigest: own.digest,
            revision: rev,
            scratch: dir,
            ...(values ? { repoValues: values } : {}),
          });
        })();
        configs.set(name, known);
      }
      return known;
    };
    const config = await configFor(revision);
    const files = readSources(options, mode, logger);
    // A kustomize patch is never a workload, even one that looks like it (a sidecar patch).
    const patchFiles = repoMesh?.patchFiles ?? new Set<string>();
    const found = findJobs(files, logger).filter((job) => {
      if (!patchFiles.has(job.file.path)) return true;
      logger.info(`left ${job.where} alone: a kustomize patch, not a workload`);
      return false;
    });
    const podSettings = PodSettingsCache.open(cacheDir);
    podSettings.attach(found);
    const selection = selectionFor(options.selection, options.paths);
    const { jobs, skipped: notSelected } = selectJobs(found, selection, repoMesh, revision);
    logger.info(
      `${found.length} workload documents in ${files.length} files, ${jobs.length} selected (${selection})`,
    );
    const byRevision = new Map<string, { revision: string | undefined; indexes: number[] }>();
    jobs.forEach((job, j) => {
      const rev = revisionForJob(job, repoMesh, revision, options.pinRevision);
      const entry = byRevision.get(rev ?? 'default') ?? { revision: rev, indexes: [] };
      entry.indexes.push(j);
      byRevision.set(rev ?? 'default', entry);
    });
    if (byRevision.size > 1 || (byRevision.size === 1 && !byRevision.has(revision ?? 'default')))
      logger.info(
        `rendered per revision: ${[...byRevision.entries()].map(([name, e]) => `${name} (${e.indexes.length})`).join(', ')}`,
      );
    const outputs: string[] = new Array<string>(jobs.length);
    const skipLines = new Map<Job, readonly (SkippedWorkload | undefined)[]>();
    const cacheOf = new Map<Job, InjectionCache>();
    const caches: InjectionCache[] = [];
    const groups: ModeGroup[] = [];
    let processes = 0;
    let reinjected = 0;
    for (const { revision: rev, indexes } of byRevision.values()) {
      const revConfig = await configFor(rev);
      const revGroups = sidecarModeGroups(
        indexes.map((i) => jobs[i]!),
        options.nativeSidecars !== undefined,
        revConfig.nativeSidecars,
        logger,
      ).map((g) => ({
        native: g.native,
        indexes: g.indexes.map((i) => indexes[i]!),
        existing: new Map([...g.existing].map(([i, m]) => [indexes[i]!, m] as const)),
      }));
      groups.push(...revGroups);
      for (const group of revGroups) {
        const groupConfig =
          group.native === revConfig.nativeSidecars
            ? revConfig
            : {
                ...revConfig,
                nativeSidecars: group.native,
                key: sha256(revConfig.key, `native=${group.native}`),
              };
        const cache = cacheDir
          ? InjectionCache.open(cacheDir, groupConfig.key, logger)
          : InjectionCache.disabled(logger);
        caches.push(cache);
        const groupJobs = group.indexes.map((j) => {
          const job = jobs[j]!;
          const body = bodyForMode(job, group.existing.get(j), group.native);
          return body === job.body ? job : { ...job, body };
        });
        const own = await istioctlFor(rev);
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
          outputs[j] = injected.outputs[i]!;
          const job = jobs[j]!;
          cacheOf.set(job, cache);
          const lines = injected.skipLines.get(groupJobs[i]!);
          if (lines) skipLines.set(job, lines);
        });
        processes += injected.processes;
        reinjected += injected.reinjected;
      }
    }
    const judged = judgeAll(jobs, outputs, skipLines, mode);
    judged.workloads.push(...notSelected);
    recordModes(judged.workloads, jobs, groups);
    for (const w of judged.workloads) {
      const origin = repoMesh?.originOf(w.file, w.line);
      if (origin) w.origin = origin;
    }
    // Never two proxies: every document istioctl rewrote is checked before anything is written.
    // In place, what is written is istioctl's own output, which it gives back unchanged (ADR 0008):
    // remember that, so the next run finds the file current without asking istioctl again. The old
    // document is gone from the file, so its (large) answer is not kept.
    for (const [job, replacement] of judged.replacedJobs) {
      const parsed = assertOneProxy(replacement, job.file.path, job.slice.line);
      if (mode !== 'in-place') continue;
      const written = normalisedBody(replacement);
      const cache = cacheOf.get(job)!;
      cache.forget(job.body);
      cache.record(written, { output: written, skipped: [...(skipLines.get(job) ?? [])] });
      podSettings.record(written, parsed);
    }

    const changes = plannedChanges(mode, options.workspace, options.outputDir, judged, logger);
    // Sidecars that live in patches (JSON6902, strategic merge): each is regenerated where the source
    // map says, in its own format.
    if (repoMesh?.patchedSidecars && mode !== 'render-dir') {
      const build = await repoMesh.loadBuild();
      const injectTarget = async (input: string, native: boolean, target: Json6902Sidecar) => {
        processes++;
        const rev = revisionFor(
          target.workload.namespace,
          podRevisionOf(target.object.object, revision),
          repoMesh,
          revision,
          options.pinRevision,
        );
        const revConfig = await configFor(rev);
        const own = await istioctlFor(rev);
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
      };
      const native = options.nativeSidecars !== undefined ? config.nativeSidecars : undefined;
      let json6902 = json6902Sidecars(build);
      if (mode === 'patches') {
        const migration = await migrateJson6902(build, json6902, injectTarget, native);
        json6902 = migration.kept.map((k) => k.target);
        for (const { target, reason } of migration.kept)
          logger.notice(`${target.file} stays a JSON6902 patch, regenerated in its format: ${reason}`, {
            file: target.file,
            line: target.line,
          });
        const moved = new Set(
          migration.migrated.map((m) => `${m.target.object.kind}\0${m.target.workload.name}`),
        );
        judged.workloads = judged.workloads.filter(
          (w) => w.status !== 'skipped' || !moved.has(`${w.kind}\0${w.name}`),
        );
        for (const m of migration.migrated) {
          logger.notice(
            `${m.target.file} migrated to ${m.patch} (output patches); the old patch is removed`,
            {
              file: m.target.file,
            },
          );
          judged.workloads.push(
            patchWorkloadResult(
              m.target,
              m.target.object.kind as WorkloadKind,
              m.injected,
              true,
              m.native,
              'JSON6902 patch',
            ),
          );
        }
        for (const change of migration.changes)
          changes.push({ ...change, absolute: resolveInsideWorkspace(options.workspace, change.path) });
      }
      // In `patches` mode the selected workloads' own patches are patchChanges' to write.
      const taken = new Set([
        ...changes.map((c) => c.path),
        ...(mode === 'patches'
          ? jobs.flatMap((job) => job.workloads.map((w) => ownPatchPath(job.file.path, w)))
          : []),
      ]);
      for (const patched of [
        await json6902Changes(json6902, injectTarget, native),
        await strategicMergeChanges(
          strategicMergeSidecars(build).filter((t) => !taken.has(t.file)),
          injectTarget,
          native,
        ),
      ]) {
        for (const left of patched.metadataLeftOut)
          logger.notice(
            `${left.file} adds the sidecar but no pod metadata, so the pod lacks what the injector also sets (${left.fields.join(', ')}); add those ops to the patch to carry them`,
            { file: left.file, line: left.line },
          );
        for (const change of patched.changes)
          changes.push({ ...change, absolute: resolveInsideWorkspace(options.workspace, change.path) });
        const covered = new Set(patched.workloads.map((w) => `${w.kind}\0${w.name}`));
        judged.workloads = judged.workloads.filter(
          (w) => w.status !== 'skipped' || !covered.has(`${w.kind}\0${w.name}`),
        );
        judged.workloads.push(...patched.workloads);
      }
    }
    logger.info(`${changes.length} files to write`);
    const skipped = skippedWorkloads(judged.workloads, logger);
    if (options.failOnSkip && skipped.length > 0) throw failOnSkipError(skipped);
    // The result as the cluster would get it: rendered before writing, all or nothing.
    const checked =
      repoMesh && changes.length > 0 && mode !== 'render-dir'
        ? await checkRenderedResult(options.workspace, changes, await repoMesh.loadBuild(), logger)
        : undefined;
    const rendered = checked?.check;
    if (!options.dryRun && changes.length > 0) {
      for (const change of changes) await mkdir(dirname(change.absolute), { recursive: true });
      writeFilesAtomically(
        changes.map((c) => ({ path: c.absolute, content: c.content, expected: c.expected })),
        { root: options.workspace, logger },
      );
      // The next run over this very content needs no model: remember the facts of the one just checked.
      if (checked) recordRepoMeshFacts(options.workspace, cacheDir, checked.after, logger);
    }
    for (const cache of caches) cache.save();
    podSettings.save();
    const workloads = judged.workloads;
    const proxyImage =
      mostCommon(workloads.flatMap((w) => (w.to?.proxyImage ? [w.to.proxyImage] : []))) ?? config.proxyImage;
    const changedFiles = changes.map((c) => c.path);
    return {
      version,
      ...(revision ? { revision } : {}),
      istioctl: binary,
      proxyImage,
      nativeSidecars: config.nativeSidecars,
      output: mode,
      changedFiles,
      workloads,
      injected: workloads.filter((w) => w.status !== 'skipped').length,
      skipped,
      istioctlProcesses: processes,
      reinjectedDocuments: reinjected,
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
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
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
  return { jobs, workloads, replacements, replacedJobs, injectedObjects };
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

async function resolveIstioctl(
  options: RenderSidecarsOptions,
  revision: string | undefined,
  deps: RenderSidecarsDeps,
  cacheDir: string | undefined,
  logger: Logger,
): Promise<{ binary: string; version: string; digest: string }> {
  if (options.istioctl) {
    const digest = cacheDir ? fileDigest(cacheDir, options.istioctl) : 'uncached';
    const actual = await binaryVersion(options.istioctl, digest, cacheDir);
    const wanted = options.version?.replace(/^v/, '');
    if (wanted && /^\d+\.\d+\.\d+/.test(actual) && actual !== wanted) {
      throw new InvalidInputError(`istioctl at ${options.istioctl} is ${actual}, not ${options.version}`, {
        input: 'version',
        hint: 'Point istioctl at a binary of that version, or leave istioctl empty to install it.',
      });
    }
    return { binary: options.istioctl, version: actual, digest };
  }
  const version =
    options.version?.replace(/^v/, '') ?? (await controlPlaneVersionFor(options.workspace, revision, logger));
  if (!deps.installIstioctl)
    throw new InvalidInputError('no istioctl binary was given and none can be installed here', {
      input: 'istioctl',
      hint: 'Set the istioctl input to a binary path.',
    });
  const binary = await deps.installIstioctl(version);
  return { binary, version, digest: cacheDir ? fileDigest(cacheDir, binary) : 'uncached' };
}

/** What the binary says its version is, asked once per binary content. */
async function binaryVersion(binary: string, digest: string, cacheDir: string | undefined): Promise<string> {
  if (!cacheDir) return istioctlVersion(binary);
  const remembered = memo<string>(cacheDir, `istioctl-version-${digest}`);
  const known = remembered.get();
  if (typeof known === 'string') return known;
  const version = await istioctlVersion(binary);
  remembered.set(version);
  return version;
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
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
