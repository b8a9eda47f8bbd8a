// Runs kube-inject over many documents with as few istioctl processes as possible: the documents are
// cut into contiguous batches (one per worker), streamed through stdin, and the output is split back
// per document. A failed batch is narrowed down to the document that broke it.
import { IstioctlError } from '../errors.js';
import type { SkippedWorkload } from '../istioctl/runner.js';
import { splitInjectOutput } from './injected-output.js';

export interface InjectJob {
  /** The document's YAML (LF line endings, ending in a newline). */
  body: string;
  /** `file:line (Kind ns/name)`, for errors. */
  where: string;
}

/** One istioctl kube-inject call over a YAML stream. */
export type InjectStream = (
  input: string,
  documents: number,
) => Promise<{ output: string; skipped: SkippedWorkload[] }>;

export interface BatchResult {
  /** Index of the batch's first and one-past-last job. */
  start: number;
  end: number;
  /** The skip lines istioctl printed for this batch, in document order. */
  skipped: SkippedWorkload[];
}

export interface BatchOptions {
  /** Parallel istioctl processes; default 1. */
  workers?: number;
  /** Below this many documents per worker, fewer workers are used (a process costs ~0.1s to start). */
  minBatchSize?: number;
}

export interface BatchedInjection {
  /** One output document per job, in job order. */
  outputs: string[];
  batches: BatchResult[];
}

/** Contiguous [start, end) ranges of about equal size in bytes. */
export function planBatches(sizes: readonly number[], batchCount: number): { start: number; end: number }[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const ranges: { start: number; end: number }[] = [];
  let start = 0;
  let seen = 0;
  for (let batch = 1; batch <= batchCount && start < sizes.length; batch++) {
    const goal = (total * batch) / batchCount;
    let end = start;
    do {
      seen += sizes[end]!;
      end++;
    } while (end < sizes.length && (batch === batchCount || seen < goal));
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

function streamOf(jobs: readonly InjectJob[]): string {
  return jobs.map((job) => `${job.body}---\n`).join('');
}

async function injectBatch(
  jobs: readonly InjectJob[],
  run: InjectStream,
): Promise<{ outputs: string[]; skipped: SkippedWorkload[] }> {
  const { output, skipped } = await run(streamOf(jobs), jobs.length);
  const outputs = splitInjectOutput(output);
  if (outputs.length !== jobs.length) {
    throw new IstioctlError(
      `istioctl kube-inject returned ${outputs.length} documents for ${jobs.length} (from ${jobs[0]?.where ?? '?'} to ${jobs.at(-1)?.where ?? '?'})`,
      {
        hint: 'This istioctl splits documents differently than expected; report it with the istioctl version.',
      },
    );
  }
  return { outputs, skipped };
}

/** Injects every job; all or nothing: any failure throws after every batch has settled. */
export async function injectInBatches(
  jobs: readonly InjectJob[],
  run: InjectStream,
  options: BatchOptions = {},
): Promise<BatchedInjection> {
  if (jobs.length === 0) return { outputs: [], batches: [] };
  const workers = Math.max(1, options.workers ?? 1);
  const minBatchSize = options.minBatchSize ?? 25;
  const batchCount = Math.max(1, Math.min(workers, Math.ceil(jobs.length / minBatchSize)));
  const ranges = planBatches(
    jobs.map((j) => j.body.length),
    batchCount,
  );
  const settled = await Promise.allSettled(
    ranges.map((range) => injectBatch(jobs.slice(range.start, range.end), run)),
  );
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed !== -1) {
    const range = ranges[failed]!;
    const reason = (settled[failed] as PromiseRejectedResult).reason as unknown;
    throw await locateFailure(jobs.slice(range.start, range.end), run, reason);
  }
  const outputs: string[] = [];
  const batches: BatchResult[] = [];
  settled.forEach((result, i) => {
    const value = (result as PromiseFulfilledResult<{ outputs: string[]; skipped: SkippedWorkload[] }>).value;
    outputs.push(...value.outputs);
    batches.push({ ...ranges[i]!, skipped: value.skipped });
  });
  return { outputs, batches };
}

/** Halves the failed batch until one document fails alone, and names it. */
async function locateFailure(
  jobs: readonly InjectJob[],
  run: InjectStream,
  original: unknown,
): Promise<Error> {
  let suspects = jobs;
  let lastError = original;
  while (suspects.length > 1) {
    const half = Math.ceil(suspects.length / 2);
    const first = suspects.slice(0, half);
    const error = await injectBatch(first, run).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (error !== undefined) {
      suspects = first;
      lastError = error;
      continue;
    }
    const second = suspects.slice(half);
    const secondError = await injectBatch(second, run).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (secondError === undefined) break; // fails only together: report the whole range
    suspects = second;
    lastError = secondError;
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  const where =
    suspects.length === 1 ? suspects[0]!.where : `${suspects[0]!.where} … ${suspects.at(-1)!.where}`;
  return new IstioctlError(`kube-inject failed on ${where}: ${message}`, {
    hint: 'Fix that document (or exclude its file with the paths input); no file was written.',
    cause: lastError,
  });
}
