// renderSidecars: the kube-inject pipeline. Finds workload documents, injects them in a few parallel
// istioctl batches, and writes only what changed (in place, to a render dir, or as patches), all or nothing.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { FileFormatError, InvalidInputError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import {
  chooseNativeSidecars,
  generateOfflineInjectConfig,
  proxyImageFromValues,
} from '../istioctl/offline-config.js';
import { istioctlVersion, kubeInject, type SkippedWorkload } from '../istioctl/runner.js';
import { controlPlaneVersionFor } from '../mesh/running-version.js';
import { writeFilesAtomically, type FileChange } from '../workspace/atomic.js';
import {
  listWorkspaceFiles,
  noticeSkipped,
  readWorkspaceFile,
  resolveInsideWorkspace,
} from '../workspace/files.js';
import { injectInBatches, type InjectJob } from './batches.js';
import { replaceDocumentBodies, splitYamlDocuments, type YamlDocumentSlice } from './documents.js';
import { quickIdentity, scanOutputDocument } from './injected-output.js';
import { KUSTOMIZATION_FILES, patchFileName, sidecarPatch, wirePatches } from './patches.js';
import { renderInjectSummary } from './summary.js';
import {
  isObject,
  mayBeWorkload,
  objectsOf,
  parseManifest,
  podTemplateOf,
  predictedSkipReason,
  sidecarOf,
  SYSTEM_NAMESPACES,
  workloadName,
  workloadsOf,
  type Sidecar,
  type SkipReason,
  type Workload,
} from './workloads.js';

export type InjectOutputMode = 'in-place' | 'render-dir' | 'patches';
export const INJECT_OUTPUT_MODES: readonly InjectOutputMode[] = ['in-place', 'render-dir', 'patches'];

export interface RenderSidecarsOptions {
  /** The repository root; every path below is relative to it and must stay inside it. */
  workspace: string;
  /** Globs of workload manifests (`!glob` excludes); default every YAML file. */
  paths?: readonly string[];
  /** The Istio version whose injection template is used; default: the control plane version pinned in the repo. */
  version?: string;
  /** An istioctl binary; default: `deps.installIstioctl(version)`. */
  istioctl?: string;
  revision?: string;
  /** Helm values and IstioOperator overlays for the generated injection config. */
  valuesFile?: string;
  operatorFile?: string;
  /** Explicit offline files instead of generated ones (the injector's values as JSON). */
  injectConfigFile?: string;
  meshConfigFile?: string;
  injectorValuesFile?: string;
  nativeSidecars?: 'auto' | boolean;
  kubernetesVersion?: string;
  output?: InjectOutputMode;
  /** Where `render-dir` writes (workspace-relative). */
  outputDir?: string;
  failOnSkip?: boolean;
  /** Parallel istioctl processes; default the CPU count. */
  workers?: number;
  /** Compute everything, write nothing. */
  dryRun?: boolean;
}

export interface RenderSidecarsDeps {
  logger?: Logger;
  /** Installs istioctl `version` and returns the binary's path (the action passes the core installer). */
  installIstioctl?: (version: string) => Promise<string>;
}

export interface WorkloadResult extends Workload {
  /** Workspace-relative file, 1-based line of the document, and its index in the file. */
  file: string;
  line: number;
  document: number;
  status: 'injected' | 'unchanged' | 'skipped';
  /** The sidecar before the run (if any) and after it. */
  from?: Sidecar;
  to?: Sidecar;
  skipReason?: SkipReason;
  /** istioctl's own words for a skip. */
  skipMessage?: string;
}

export interface RenderSidecarsResult {
  version: string;
  revision?: string;
  istioctl: string;
  proxyImage: string;
  nativeSidecars: boolean;
  output: InjectOutputMode;
  /** Workspace-relative paths written (or that would be, with dryRun). */
  changedFiles: string[];
  workloads: WorkloadResult[];
  /** Workloads that carry the sidecar after the run (rewritten or already current). */
  injected: number;
  skipped: {
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    reason: SkipReason;
    message?: string;
  }[];
  istioctlProcesses: number;
  /** Markdown grouped by namespace and version. */
  summary: string;
}

interface SourceFile {
  path: string;
  text: string;
  slices: YamlDocumentSlice[];
}

interface Job extends InjectJob {
  file: SourceFile;
  slice: YamlDocumentSlice;
  isList: boolean;
  workloads: Workload[];
  /** The parsed document, parsed on first use: a full parse costs more than injecting at scale. */
  source(): unknown;
}

const SYSTEM_NAMESPACE_MESSAGE =
  'in a system namespace: the webhook never injects there (offline istioctl would)';

/** Files the pipeline writes itself and must never read back as workloads. */
const PATCH_FILE = /(^|\/)istio-sidecar\.[^/]*\.yaml$/;

export async function renderSidecars(
  options: RenderSidecarsOptions,
  deps: RenderSidecarsDeps = {},
): Promise<RenderSidecarsResult> {
  const logger = deps.logger ?? silentLogger;
  const root = options.workspace;
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
  const revision = options.revision && options.revision !== 'default' ? options.revision : undefined;

  const { binary, version } = await resolveIstioctl(options, revision, deps, logger);
  const scratch = await mkdtemp(join(tmpdir(), 'kube-inject-'));
  try {
    const config = await injectConfig(options, binary, version, revision, scratch, logger);
    const files = readSources(options, mode, logger);
    const jobs = findJobs(files, logger);
    logger.info(`${jobs.length} workload documents in ${files.length} files`);
    const workers = Math.max(1, options.workers ?? availableParallelism());
    let processes = 0;
    const batched = await injectInBatches(
      jobs,
      async (input) => {
        processes++;
        const result = await kubeInject({
          binary,
          version,
          input,
          injectConfigFile: config.injectConfigFile,
          meshConfigFile: config.meshConfigFile,
          valuesFile: config.valuesFile,
          operatorFile: config.operatorFile,
          revision,
          nativeSidecars: config.nativeSidecars,
          timeoutMs: 300_000 + input.length / 10,
          // Injection allocates heavily; a laxer GC saves ~15% of istioctl's CPU for ~50 MB more memory.
          env: { GOGC: process.env.GOGC ?? '400' },
        });
        for (const message of result.messages) logger.debug(`istioctl kube-inject: ${message}`);
        return result;
      },
      { workers },
    );
    logger.info(
      `injected ${jobs.length} workload documents with ${processes} istioctl processes (${workers} workers)`,
    );

    const skipLines = attributeSkips(jobs, batched.batches);
    const workloads: WorkloadResult[] = [];
    const replacements = new Map<SourceFile, Map<number, string>>();
    const injectedObjects = new Map<Job, unknown>();
    jobs.forEach((job, j) => {
      const output = batched.outputs[j]!;
      const results = judgeJob(job, output, skipLines.get(job) ?? [], mode === 'patches', injectedObjects);
      workloads.push(...results.workloads);
      if (results.replacement !== undefined) {
        const perFile = replacements.get(job.file) ?? new Map<number, string>();
        perFile.set(job.slice.index, results.replacement);
        replacements.set(job.file, perFile);
      }
    });

    const changes = plannedChanges(mode, options, root, jobs, replacements, injectedObjects, logger);
    logger.info(`${changes.length} files to write`);
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
    if (options.failOnSkip && skipped.length > 0) {
      throw new InvalidInputError(
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
    if (!options.dryRun && changes.length > 0) {
      for (const change of changes) await mkdir(dirname(change.absolute), { recursive: true });
      writeFilesAtomically(changes.map((c) => ({ path: c.absolute, content: c.content })));
    }
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
      summary: renderInjectSummary({
        version,
        ...(revision ? { revision } : {}),
        proxyImage,
        output: mode,
        changedFiles,
        workloads,
      }),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function resolveIstioctl(
  options: RenderSidecarsOptions,
  revision: string | undefined,
  deps: RenderSidecarsDeps,
  logger: Logger,
): Promise<{ binary: string; version: string }> {
  if (options.istioctl) {
    const actual = await istioctlVersion(options.istioctl);
    const wanted = options.version?.replace(/^v/, '');
    if (wanted && /^\d+\.\d+\.\d+/.test(actual) && actual !== wanted) {
      throw new InvalidInputError(`istioctl at ${options.istioctl} is ${actual}, not ${options.version}`, {
        input: 'version',
        hint: 'Point istioctl at a binary of that version, or leave istioctl empty to install it.',
      });
    }
    return { binary: options.istioctl, version: actual };
  }
  const version =
    options.version?.replace(/^v/, '') ?? (await controlPlaneVersionFor(options.workspace, revision, logger));
  if (!deps.installIstioctl)
    throw new InvalidInputError('no istioctl binary was given and none can be installed here', {
      input: 'istioctl',
      hint: 'Set the istioctl input to a binary path.',
    });
  const binary = await deps.installIstioctl(version);
  return { binary, version };
}

interface InjectConfig {
  injectConfigFile: string;
  meshConfigFile?: string;
  valuesFile?: string;
  operatorFile?: string;
  nativeSidecars: boolean;
  proxyImage: string;
}

async function injectConfig(
  options: RenderSidecarsOptions,
  binary: string,
  version: string,
  revision: string | undefined,
  scratch: string,
  logger: Logger,
): Promise<InjectConfig> {
  const inside = (path: string | undefined, input: string) => {
    if (!path) return undefined;
    try {
      return resolveInsideWorkspace(options.workspace, path);
    } catch (error) {
      throw new InvalidInputError(`'${path}' leads outside the workspace`, { input, cause: error });
    }
  };
  const operatorFile = inside(options.operatorFile, 'operator-file');
  if (options.injectConfigFile) {
    const meshConfigFile = inside(options.meshConfigFile, 'mesh-config-file');
    const valuesFile = inside(options.injectorValuesFile, 'injector-values-file');
    const native = chooseNativeSidecars(
      options.nativeSidecars,
      undefined,
      version,
      options.kubernetesVersion,
    );
    logger.info(
      `using the given offline inject config; native sidecars ${native.nativeSidecars ? 'on' : 'off'} (${native.reason})`,
    );
    let proxyImage = '';
    if (valuesFile) {
      try {
        proxyImage = proxyImageFromValues(
          JSON.parse(readFileSync(valuesFile, 'utf8')) as Parameters<typeof proxyImageFromValues>[0],
        );
      } catch (error) {
        throw new FileFormatError('the injector values file is not JSON', {
          input: 'injector-values-file',
          file: options.injectorValuesFile,
          cause: error,
          hint: 'Give the `values` key of the istio-sidecar-injector ConfigMap.',
        });
      }
    }
    return {
      injectConfigFile: inside(options.injectConfigFile, 'inject-config-file')!,
      ...(meshConfigFile ? { meshConfigFile } : {}),
      ...(valuesFile ? { valuesFile } : {}),
      ...(operatorFile ? { operatorFile } : {}),
      nativeSidecars: native.nativeSidecars,
      proxyImage,
    };
  }
  const valuesFile = inside(options.valuesFile, 'values-file');
  const generated = await generateOfflineInjectConfig({
    binary,
    version,
    outputDir: scratch,
    ...(revision ? { revision } : {}),
    ...(valuesFile ? { valuesFile } : {}),
    ...(operatorFile ? { operatorFile } : {}),
    ...(options.nativeSidecars !== undefined ? { nativeSidecars: options.nativeSidecars } : {}),
    ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
    logger,
  });
  return {
    injectConfigFile: generated.injectConfigFile,
    meshConfigFile: generated.meshConfigFile,
    valuesFile: generated.valuesFile,
    nativeSidecars: generated.nativeSidecars,
    proxyImage: generated.proxyImage,
  };
}

function readSources(options: RenderSidecarsOptions, mode: InjectOutputMode, logger: Logger): SourceFile[] {
  const patterns = [
    ...(options.paths && options.paths.length > 0 ? options.paths : ['**/*.yaml', '**/*.yml']),
  ];
  if (mode === 'render-dir' && options.outputDir)
    patterns.push(`!${posix.normalize(options.outputDir).replace(/\/$/, '')}/**`);
  const files: SourceFile[] = [];
  for (const path of listWorkspaceFiles(options.workspace, { patterns, logger })) {
    if (PATCH_FILE.test(path) || KUSTOMIZATION_FILES.includes(posix.basename(path))) continue;
    const read = readWorkspaceFile(options.workspace, path);
    if (read.status !== 'ok') {
      noticeSkipped(read, logger);
      continue;
    }
    const text = read.content.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(read.content)) {
      logger.warning(`skipped ${path}: not valid UTF-8, so it cannot be edited byte for byte`, {
        file: path,
      });
      continue;
    }
    files.push({ path, text, slices: splitYamlDocuments(text) });
  }
  return files;
}

function findJobs(files: readonly SourceFile[], logger: Logger): Job[] {
  const jobs: Job[] = [];
  for (const file of files) {
    for (const slice of file.slices) {
      if (slice.body === '' || !mayBeWorkload(slice.body)) continue;
      if (slice.body.includes('{{')) {
        // A Helm or Go template is not a manifest yet; istioctl would refuse it and fail the whole run.
        logger.notice(`left ${file.path}:${slice.line} alone: a template ({{ }}), not a manifest`, {
          file: file.path,
          line: slice.line,
        });
        continue;
      }
      const quick = quickIdentity(slice.body);
      let parsed: unknown;
      const parse = () => (parsed ??= parseManifest(slice.body));
      let workloads: Workload[];
      try {
        workloads =
          quick && quick.kind !== 'List'
            ? workloadsOf({ kind: quick.kind, metadata: quick })
            : workloadsOf(parse());
      } catch (error) {
        // Helm templates and other non-YAML pass through untouched, as istioctl would refuse them.
        logger.warning(
          `left ${file.path}:${slice.line} alone: not parseable YAML (${(error as Error).message.split('\n')[0]})`,
          {
            file: file.path,
            line: slice.line,
          },
        );
        continue;
      }
      if (workloads.length === 0) continue;
      const first = workloads[0]!;
      const isList = quick
        ? quick.kind === 'List'
        : isObject(parse()) && (parse() as Record<string, unknown>)['kind'] === 'List';
      const body = slice.body.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
      jobs.push({
        body,
        where: `${file.path}:${slice.line} (${isList ? 'List' : first.kind} ${workloadName(first)})`,
        file,
        slice,
        isList,
        workloads,
        source: parse,
      });
    }
  }
  return jobs;
}

/** Matches istioctl's skip lines (printed in document order) to the workloads they name. */
function attributeSkips(
  jobs: readonly Job[],
  batches: readonly { start: number; end: number; skipped: SkippedWorkload[] }[],
): Map<Job, (SkippedWorkload | undefined)[]> {
  const result = new Map<Job, (SkippedWorkload | undefined)[]>();
  for (const batch of batches) {
    if (batch.skipped.length === 0) continue;
    const units = jobs.slice(batch.start, batch.end).flatMap((job) =>
      objectsOf(job.source())
        .filter((object) => podTemplateOf(object) && workloadsOf(object).length === 1)
        .map((object, i) => ({ job, i, object, names: skipNames(object) })),
    );
    const matches = (line: SkippedWorkload, unit: (typeof units)[number]) =>
      (!line.kind || line.kind === workloadsOf(unit.object)[0]!.kind) && unit.names.includes(line.name);
    let next = 0;
    for (const [u, unit] of units.entries()) {
      const perJob = result.get(unit.job) ?? [];
      const line = batch.skipped[next];
      let hit: SkippedWorkload | undefined;
      if (line && matches(line, unit)) {
        // Same names twice: give the line to the one that has a reason to be skipped.
        const later = units.slice(u + 1).find((other) => matches(line, other));
        if (predictedSkipReason(unit.object) || !later || !predictedSkipReason(later.object)) {
          hit = line;
          next++;
        }
      }
      perJob[unit.i] = hit;
      result.set(unit.job, perJob);
    }
  }
  return result;
}

function skipNames(object: unknown): string[] {
  const workload = workloadsOf(object)[0]!;
  const templateName = podTemplateOf(object)?.metadata['name'];
  const name = typeof templateName === 'string' && templateName !== '' ? templateName : workload.name;
  return workload.namespace ? [`${workload.namespace}/${name}`] : [name];
}

/** Strips the empty values istioctl adds, so a hand-written injected manifest compares equal to its output. */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const cleaned = withoutEmpty(v);
    if (cleaned === null || (isObject(cleaned) && Object.keys(cleaned).length === 0)) continue;
    out[k] = cleaned;
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(withoutEmpty(a)) === JSON.stringify(withoutEmpty(b));
}

function judgeJob(
  job: Job,
  output: string,
  skipLines: readonly (SkippedWorkload | undefined)[],
  needObjects: boolean,
  injectedObjects: Map<Job, unknown>,
): { workloads: WorkloadResult[]; replacement?: string } {
  const isList = job.isList;
  const sourceObjects =
    isList || needObjects ? objectsOf(job.source()).filter((o) => workloadsOf(o).length === 1) : undefined;
  const base = { file: job.file.path, line: job.slice.line, document: job.slice.index };
  let outputSidecars: (Sidecar | undefined)[];
  if (isList || needObjects) {
    const parsedOutput = parseManifest(output);
    outputSidecars = objectsOf(parsedOutput)
      .filter((o) => workloadsOf(o).length === 1)
      .map((o) => sidecarOf(o));
    if (needObjects) injectedObjects.set(job, parsedOutput);
  } else {
    const facts = scanOutputDocument(output);
    const expected = job.workloads[0]!;
    if (
      facts.kind !== expected.kind ||
      (facts.name ?? '') !== expected.name ||
      facts.namespace !== expected.namespace
    ) {
      throw new FileFormatError(
        `istioctl returned ${facts.kind ?? '?'} ${facts.name ?? '?'} for ${expected.kind} ${workloadName(expected)}: the output does not line up with the input`,
        {
          file: job.file.path,
          line: job.slice.line,
          hint: 'Report this with the istioctl version; no file was written.',
        },
      );
    }
    outputSidecars = [facts.sidecar];
  }
  const count = sourceObjects?.length ?? 1;
  if (outputSidecars.length !== count) {
    throw new FileFormatError(`istioctl returned ${outputSidecars.length} workloads for ${count}`, {
      file: job.file.path,
      line: job.slice.line,
      hint: 'Report this with the istioctl version; no file was written.',
    });
  }
  const results: WorkloadResult[] = outputSidecars.map((to, i) => {
    const source = sourceObjects?.[i];
    const workload = source ? workloadsOf(source)[0]! : job.workloads[0]!;
    const listItem = job.workloads[i]?.listItem;
    const from = source ? sidecarOf(source) : sourceSidecar(job);
    const skipLine = skipLines[i];
    const entry = {
      ...workload,
      ...base,
      ...(listItem !== undefined ? { listItem } : {}),
      ...(from ? { from } : {}),
    };
    // Offline istioctl injects a Deployment in kube-system (it checks only the pod template's namespace);
    // the webhook never would, so such workloads are skipped here.
    const systemNamespace =
      workload.namespace !== undefined && SYSTEM_NAMESPACES.includes(workload.namespace);
    if (skipLine || !to || systemNamespace) {
      const reason = predictedSkipReason(source ?? job.source());
      return {
        ...entry,
        status: 'skipped' as const,
        skipReason:
          reason ??
          (skipLine?.reason === 'host-network'
            ? 'host-network'
            : skipLine
              ? 'injection-disabled'
              : 'not-injected'),
        skipMessage:
          skipLine?.message ?? (systemNamespace ? SYSTEM_NAMESPACE_MESSAGE : 'istioctl added no sidecar'),
      };
    }
    return { ...entry, status: 'injected' as const, to };
  });

  const injectedAny = results.some((r) => r.status === 'injected');
  // A List is rewritten whole; with a skipped system-namespace item in it, keep it as it is.
  if (results.some((r) => r.skipMessage === SYSTEM_NAMESPACE_MESSAGE)) {
    for (const r of results) if (r.status === 'injected') r.status = 'unchanged';
    return { workloads: results };
  }
  const sourceBody = job.body;
  let replacement: string | undefined = injectedAny ? output : undefined;
  if (replacement !== undefined && (output === sourceBody || isCurrent(job, results, output)))
    replacement = undefined;
  if (replacement === undefined) for (const r of results) if (r.status === 'injected') r.status = 'unchanged';
  return { workloads: results, ...(replacement !== undefined ? { replacement } : {}) };
}

/** The sidecar a single-workload source already carries: scanned when it is plain YAML, else parsed. */
function sourceSidecar(job: Job): Sidecar | undefined {
  if (!job.body.includes('sidecar.istio.io/status')) return undefined;
  const scanned = scanOutputDocument(job.body).sidecar;
  return scanned?.proxyImage ? scanned : sidecarOf(job.source());
}

/** An already-injected source whose sidecar matches the output and that means the same: keep its bytes. */
function isCurrent(job: Job, results: readonly WorkloadResult[], output: string): boolean {
  if (!job.body.includes('sidecar.istio.io/status')) return false;
  const sameSidecars = results.every(
    (r) =>
      r.status !== 'injected' ||
      (r.from?.proxyImage === r.to?.proxyImage && r.from?.revision === r.to?.revision),
  );
  return sameSidecars && sameJson(job.source(), parseManifest(output));
}

interface PlannedChange extends FileChange {
  path: string;
  absolute: string;
  content: string;
}

function plannedChanges(
  mode: InjectOutputMode,
  options: RenderSidecarsOptions,
  root: string,
  jobs: readonly Job[],
  replacements: Map<SourceFile, Map<number, string>>,
  injectedObjects: Map<Job, unknown>,
  logger: Logger,
): PlannedChange[] {
  const changes: PlannedChange[] = [];
  const propose = (path: string, content: string) => {
    const absolute = resolveInsideWorkspace(root, path);
    const current = existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
    if (current !== content) changes.push({ path, absolute, content });
  };
  if (mode === 'in-place') {
    for (const [file, perFile] of replacements)
      propose(file.path, replaceDocumentBodies(file.text, file.slices, perFile));
  } else if (mode === 'render-dir') {
    const filesWithWorkloads = [...new Set(jobs.map((j) => j.file))];
    for (const file of filesWithWorkloads) {
      const perFile = replacements.get(file) ?? new Map<number, string>();
      // Clean sources are re-injected into the copies, whatever the copies held before.
      propose(
        posix.join(options.outputDir!, file.path),
        replaceDocumentBodies(file.text, file.slices, perFile),
      );
    }
  } else {
    const patchesByDir = new Map<string, string[]>();
    for (const job of jobs) {
      const injected = injectedObjects.get(job);
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
      propose(dir === '.' ? name : posix.join(dir, name), patch);
      patchesByDir.set(dir, [...(patchesByDir.get(dir) ?? []), name]);
    }
    for (const [dir, names] of [...patchesByDir].sort(([a], [b]) => a.localeCompare(b))) {
      const kustomization = KUSTOMIZATION_FILES.map((f) => (dir === '.' ? f : posix.join(dir, f))).find((f) =>
        existsSync(join(root, f)),
      );
      if (!kustomization) {
        logger.warning(
          `${dir}: no kustomization.yaml to list the patches in; add it and list ${names.join(', ')}`,
          { file: dir },
        );
        continue;
      }
      const wired = wirePatches(readFileSync(join(root, kustomization), 'utf8'), [...new Set(names)].sort());
      if (wired !== undefined) propose(kustomization, wired);
    }
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}
