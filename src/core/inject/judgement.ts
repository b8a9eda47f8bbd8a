// Judges istioctl's output for one job: which workloads it injected, which it skipped and why, and
// whether the document must be rewritten or already says the same as istioctl would.
import { FileFormatError } from '../errors.js';
import type { SkippedWorkload } from '../istioctl/runner.js';
import { scanOutputDocument } from './injected-output.js';
import type { Job } from './jobs.js';
import type { WorkloadResult } from './types.js';
import {
  isObject,
  objectsOf,
  parseManifest,
  podTemplateOf,
  predictedSkipReason,
  sidecarOf,
  SYSTEM_NAMESPACES,
  workloadName,
  workloadsOf,
  type Sidecar,
} from './workloads.js';

const SYSTEM_NAMESPACE_MESSAGE =
  'in a system namespace: the webhook never injects there (offline istioctl would)';

export interface Judgement {
  workloads: WorkloadResult[];
  /** The new document body, when the file must change. */
  replacement?: string;
  /** The parsed output, when asked for (patches are computed from it). */
  injected?: unknown;
}

/** Matches istioctl's skip lines (printed in document order) to the workloads they name. */
export function attributeSkips(
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

function lineUpError(job: Job, message: string): FileFormatError {
  return new FileFormatError(message, {
    file: job.file.path,
    line: job.slice.line,
    hint: 'Report this with the istioctl version; no file was written.',
  });
}

/** The sidecar of each workload in the output, checked against the job's identity. */
function outputSidecars(job: Job, output: string, parsedOutput: unknown): (Sidecar | undefined)[] {
  if (parsedOutput !== undefined)
    return objectsOf(parsedOutput)
      .filter((o) => workloadsOf(o).length === 1)
      .map((o) => sidecarOf(o));
  const facts = scanOutputDocument(output);
  const expected = job.workloads[0]!;
  if (
    facts.kind !== expected.kind ||
    (facts.name ?? '') !== expected.name ||
    facts.namespace !== expected.namespace
  )
    throw lineUpError(
      job,
      `istioctl returned ${facts.kind ?? '?'} ${facts.name ?? '?'} for ${expected.kind} ${workloadName(expected)}: the output does not line up with the input`,
    );
  return [facts.sidecar];
}

export function judgeJob(
  job: Job,
  output: string,
  skipLines: readonly (SkippedWorkload | undefined)[],
  needObjects: boolean,
): Judgement {
  const full = job.isList || needObjects;
  const sourceObjects = full ? objectsOf(job.source()).filter((o) => workloadsOf(o).length === 1) : undefined;
  const parsedOutput = full ? parseManifest(output) : undefined;
  const sidecars = outputSidecars(job, output, parsedOutput);
  const count = sourceObjects?.length ?? 1;
  if (sidecars.length !== count)
    throw lineUpError(job, `istioctl returned ${sidecars.length} workloads for ${count}`);
  const base = { file: job.file.path, line: job.slice.line, document: job.slice.index };
  const results: WorkloadResult[] = sidecars.map((to, i) => {
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
  const injected = needObjects ? { injected: parsedOutput } : {};

  // A List is rewritten whole; with a skipped system-namespace item in it, keep it as it is.
  if (results.some((r) => r.skipMessage === SYSTEM_NAMESPACE_MESSAGE)) {
    for (const r of results) if (r.status === 'injected') r.status = 'unchanged';
    return { workloads: results, ...injected };
  }
  const injectedAny = results.some((r) => r.status === 'injected');
  let replacement: string | undefined = injectedAny ? output : undefined;
  if (replacement !== undefined && (output === job.body || isCurrent(job, results, output)))
    replacement = undefined;
  if (replacement === undefined) for (const r of results) if (r.status === 'injected') r.status = 'unchanged';
  return { workloads: results, ...(replacement !== undefined ? { replacement } : {}), ...injected };
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
