// Runs the jobs through kube-inject: answers from the injection cache where it holds them, the rest
// in a few parallel istioctl batches, whose answers are recorded for the next run.
import { availableParallelism } from 'node:os';
import { kubeInject, type SkippedWorkload } from '../istioctl/runner.js';
import type { Logger } from '../logger.js';
import { injectInBatches } from './batches.js';
import type { InjectConfig } from './inject-config.js';
import type { InjectionCache } from './injection-cache.js';
import { attributeSkips } from './judgement.js';
import type { Job } from './jobs.js';

export interface InjectedJobs {
  /** istioctl's output per job, in job order. */
  outputs: string[];
  skipLines: Map<Job, (SkippedWorkload | undefined)[]>;
  processes: number;
  /** Jobs istioctl was given (the others came from the cache). */
  reinjected: number;
}

export interface KubeInjectSetup {
  binary: string;
  version: string;
  revision: string | undefined;
  config: InjectConfig;
  workers?: number;
  logger: Logger;
}

export async function injectJobs(
  jobs: readonly Job[],
  setup: KubeInjectSetup,
  cache: InjectionCache,
): Promise<InjectedJobs> {
  const outputs: string[] = new Array<string>(jobs.length);
  const skipLines = new Map<Job, (SkippedWorkload | undefined)[]>();
  const misses: number[] = [];
  jobs.forEach((job, j) => {
    const hit = cache.lookup(job.body);
    if (!hit) return misses.push(j);
    outputs[j] = hit.output;
    if (hit.skipped.length > 0) skipLines.set(job, hit.skipped);
  });
  const pending = misses.map((j) => jobs[j]!);
  const workers = Math.max(1, setup.workers ?? availableParallelism());
  let processes = 0;
  const batched = await injectInBatches(
    pending,
    async (input) => {
      processes++;
      const result = await kubeInject({
        binary: setup.binary,
        version: setup.version,
        input,
        injectConfigFile: setup.config.injectConfigFile,
        meshConfigFile: setup.config.meshConfigFile,
        valuesFile: setup.config.valuesFile,
        operatorFile: setup.config.operatorFile,
        revision: setup.revision,
        nativeSidecars: setup.config.nativeSidecars,
        timeoutMs: 300_000 + input.length / 10,
        // Injection allocates heavily; a laxer GC saves ~15% of istioctl's CPU for ~50 MB more memory.
        env: { GOGC: process.env.GOGC ?? '400' },
      });
      for (const message of result.messages) setup.logger.debug(`istioctl kube-inject: ${message}`);
      return result;
    },
    { workers },
  );
  const fresh = attributeSkips(pending, batched.batches);
  pending.forEach((job, i) => {
    const output = batched.outputs[i]!;
    outputs[misses[i]!] = output;
    const skipped = fresh.get(job) ?? [];
    if (skipped.length > 0) skipLines.set(job, skipped);
    cache.record(job.body, { output, skipped });
  });
  setup.logger.info(
    `${jobs.length - pending.length} workload documents answered by the injection cache, ` +
      `${pending.length} injected with ${processes} istioctl processes (${workers} workers)`,
  );
  return { outputs, skipLines, processes, reinjected: pending.length };
}
