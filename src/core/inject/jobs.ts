// The pipeline's input: the workspace's manifest files split into documents, and one injection job
// per document that holds a workload (plain YAML only: templates and broken YAML are left alone).
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Logger } from '../logger.js';
import { readsAlikeAsYaml11 } from '../mesh/yaml-values.js';
import { listWorkspaceFiles, noticeSkipped, readWorkspaceFile } from '../workspace/files.js';
import type { InjectJob } from './batches.js';
import { splitYamlDocuments, withOneFinalNewline, type YamlDocumentSlice } from './documents.js';
import { quickIdentity } from './injected-output.js';
import { KUSTOMIZATION_FILES } from './patches.js';
import type { RepoMesh } from './repo-mesh.js';
import type { InjectOutputMode, RenderSidecarsOptions } from './types.js';
import {
  notAWorkload,
  isObject,
  mayBeWorkload,
  parseManifest,
  readManifest,
  workloadName,
  workloadsOf,
  type Workload,
} from './workloads.js';

export interface SourceFile {
  path: string;
  text: string;
  slices: YamlDocumentSlice[];
}

export interface Job extends InjectJob {
  file: SourceFile;
  slice: YamlDocumentSlice;
  isList: boolean;
  workloads: Workload[];
  /** The parsed document, parsed on first use: a full parse costs more than injecting at scale. */
  source(): unknown;
  /**
   * The document's values for reading only (pod labels, annotations, container names), read once:
   * the job's own parse when it was made, else the fast reader (mesh/yaml-values.ts).
   */
  values?(): unknown;
  /** The pod settings read from this body before (pod-settings-cache.ts); null: the pod has none. */
  podSettings?: {
    get(key: string): string | null | undefined;
    set(key: string, value: string | null): void;
  };
}

/** Files the pipeline writes itself and must never read back as workloads. */
const PATCH_FILE = /(^|\/)istio-sidecar\.[^/]*\.yaml$/;

export function readSources(
  options: RenderSidecarsOptions,
  mode: InjectOutputMode,
  logger: Logger,
): SourceFile[] {
  const patterns = [
    ...(options.paths && options.paths.length > 0 ? options.paths : ['**/*.yaml', '**/*.yml']),
  ];
  if (mode === 'render-dir' && options.outputDir)
    patterns.push(`!${posix.normalize(options.outputDir).replace(/\/$/, '')}/**`);
  const files: SourceFile[] = [];
  for (const path of listWorkspaceFiles(options.workspace, { patterns, logger })) {
    if (PATCH_FILE.test(path) || KUSTOMIZATION_FILES.includes(posix.basename(path))) continue;
    const chart = helmChartOf(options.workspace, path);
    if (chart) {
      // Helm renders these (a HelmRelease, an Argo CD Application, helm itself): git holds no pod.
      const text = readWorkspaceFile(options.workspace, path);
      if (text.status === 'ok' && mayBeWorkload(text.content.toString('utf8')))
        logger.notice(
          `left ${path} alone: rendered by Helm from the chart at ${chart} (${chart}/Chart.yaml); its sidecars come from the cluster's injector, configured through the control plane's values`,
          { file: path },
        );
      continue;
    }
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

/** The chart directory when `path` is under a Helm chart's `templates/` (a `Chart.yaml` beside it). */
export function helmChartOf(workspace: string, path: string): string | undefined {
  const parts = path.split('/');
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] !== 'templates') continue;
    const chart = parts.slice(0, i).join('/');
    if (existsSync(join(workspace, chart, 'Chart.yaml'))) return chart === '' ? '.' : chart;
  }
  return undefined;
}

/** A document body as istioctl is given it: LF line endings, ending in exactly one newline. */
export const normalisedBody = withOneFinalNewline;

export function findJobs(files: readonly SourceFile[], logger: Logger): Job[] {
  const jobs: Job[] = [];
  for (const file of files) {
    for (const slice of file.slices) {
      const job = jobOf(file, slice, logger);
      if (job) jobs.push(job);
    }
  }
  return jobs;
}

function jobOf(file: SourceFile, slice: YamlDocumentSlice, logger: Logger): Job | undefined {
  if (slice.body === '' || !mayBeWorkload(slice.body)) return undefined;
  if (slice.body.includes('{{')) {
    // A Helm or Go template is not a manifest yet; istioctl would refuse it and fail the whole run.
    logger.notice(`left ${file.path}:${slice.line} alone: a template ({{ }}), not a manifest`, {
      file: file.path,
      line: slice.line,
    });
    return undefined;
  }
  const quick = quickIdentity(slice.body);
  let parsed: unknown;
  // Held weakly: thousands of injected documents' values would otherwise live for the whole run.
  let read: WeakRef<object> | undefined;
  const parse = () => (parsed ??= parseManifest(slice.body));
  const values = (): unknown => {
    if (parsed !== undefined) return parsed;
    const held = read?.deref();
    if (held) return held;
    const value = readManifest(slice.body);
    if (typeof value === 'object' && value !== null) read = new WeakRef(value);
    return value;
  };
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
      { file: file.path, line: slice.line },
    );
    return undefined;
  }
  if (workloads.length === 0) return undefined;
  const notWorkload = notAWorkload(slice.body, parse);
  if (notWorkload) {
    logger.notice(`left ${file.path}:${slice.line} alone: ${notWorkload}`, {
      file: file.path,
      line: slice.line,
    });
    return undefined;
  }
  const first = workloads[0]!;
  const isList = quick
    ? quick.kind === 'List'
    : isObject(parse()) && (parse() as Record<string, unknown>)['kind'] === 'List';
  return {
    body: normalisedBody(slice.body),
    where: `${file.path}:${slice.line} (${isList ? 'List' : first.kind} ${workloadName(first)})`,
    file,
    slice,
    isList,
    workloads,
    source: parse,
    values,
  };
}

/**
 * The job's read-only values from the mesh model's read of the same document, when this run built
 * the model and read it as the file holds it (RepoMesh.sourceValue): one parse of each document
 * instead of two. The model's value is taken only for the workload the job expects and a text that
 * reads alike as YAML 1.1; otherwise the job reads its own document as before.
 */
export function valuesFromModel(job: Job, mesh: Pick<RepoMesh, 'sourceValue'>): void {
  if (job.isList || !job.values) return;
  const own = job.values;
  const first = job.workloads[0]!;
  const fromModel = (): unknown => {
    const value = mesh.sourceValue(job.file.path, job.slice.line);
    const metadata = isObject(value) ? value['metadata'] : undefined;
    const same =
      isObject(value) &&
      value['kind'] === first.kind &&
      isObject(metadata) &&
      metadata['name'] === first.name &&
      readsAlikeAsYaml11(job.body);
    return same ? value : undefined;
  };
  let chosen: { value: unknown } | undefined;
  job.values = () => (chosen ??= { value: fromModel() }).value ?? own();
}
