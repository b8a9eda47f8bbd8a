// Which workload documents get a sidecar, decided as Istio's injection webhook decides (plus the
// repo's own choices): already injected, opted in, in a namespace labelled for injection, or under a
// configured path; never a system or control-plane namespace, a GitOps controller, or an unknown
// revision. Every document left out is reported with its reason.
import type { Job } from './jobs.js';
import type { RepoMesh } from './repo-mesh.js';
import type { WorkloadResult } from './types.js';
import {
  dig,
  objectsOf,
  podTemplateOf,
  SYSTEM_NAMESPACES,
  workloadsOf,
  type SkipReason,
} from './workloads.js';

/** `webhook`: only what the webhook would inject; `paths`: every workload under the configured paths. */
export type InjectSelection = 'webhook' | 'paths';

/** The `selection` input's choices: `auto` is `paths` when paths are configured, else `webhook`. */
export const INJECT_SELECTIONS = ['auto', 'webhook', 'paths'] as const;

/** The selection a run uses: the one asked for, else `paths` with configured paths, else `webhook`. */
export function selectionFor(
  asked: (typeof INJECT_SELECTIONS)[number] | undefined,
  paths: readonly string[] | undefined,
): InjectSelection {
  if (asked === 'webhook' || asked === 'paths') return asked;
  return paths && paths.length > 0 ? 'paths' : 'webhook';
}

export const GITOPS_NAMESPACES = ['flux-system', 'argocd'];

const STATUS = 'sidecar.istio.io/status';
const INJECT = 'sidecar.istio.io/inject';
const TRUE = ['true', 'enabled', 'yes', 'y', 'on'];

export interface Selected {
  jobs: Job[];
  skipped: WorkloadResult[];
}

interface Verdict {
  inject: boolean;
  reason?: SkipReason;
  message?: string;
}

/** The namespace a job's workloads render into (the model knows kustomize's and Flux's), else its own. */
export function namespaceOf(job: Job, mesh: RepoMesh | undefined): string {
  const rendered = mesh?.namespacesOf(job.file.path, job.slice.line)[0];
  return rendered ?? job.workloads[0]?.namespace ?? 'default';
}

export function podSetting(job: Job, key: string): string | undefined {
  const known = job.podSettings?.get(key);
  if (known !== undefined) return known ?? undefined;
  const value = readPodSetting(job, key);
  job.podSettings?.set(key, value ?? null);
  return value;
}

function readPodSetting(job: Job, key: string): string | undefined {
  return podSettingIn(job.values?.() ?? job.source(), key);
}

/** A pod template label or annotation of a parsed document (not a List's items). */
export function podSettingIn(source: unknown, key: string): string | undefined {
  for (const object of objectsOf(source)) {
    if (workloadsOf(object).length !== 1) continue;
    const template = podTemplateOf(object);
    if (!template) continue;
    const value = dig(template.metadata, 'labels', key) ?? dig(template.metadata, 'annotations', key);
    if (value !== undefined) return String(value);
  }
  return undefined;
}

function verdict(
  job: Job,
  selection: InjectSelection,
  mesh: RepoMesh | undefined,
  revision: string | undefined,
): Verdict {
  const known = (name: string) => name === revision || !mesh || mesh.knowsRevision(name);
  const namespace = namespaceOf(job, mesh);
  if (SYSTEM_NAMESPACES.includes(namespace))
    return {
      inject: false,
      reason: 'system-namespace',
      message: `in ${namespace}: the webhook never injects there`,
    };
  if (GITOPS_NAMESPACES.includes(namespace))
    return {
      inject: false,
      reason: 'gitops-controller',
      message: `in ${namespace}: a GitOps controller, never meshed`,
    };
  if ((mesh?.controlPlaneNamespaces ?? new Set(['istio-system'])).has(namespace))
    return {
      inject: false,
      reason: 'control-plane-namespace',
      message: `in ${namespace}, the control plane's namespace`,
    };
  const injected = job.body.includes(STATUS);
  const podRev = podSetting(job, 'istio.io/rev');
  if (podRev && !known(podRev))
    return {
      inject: false,
      reason: 'unknown-revision',
      message: `the pod names revision ${podRev}, which no control plane defines`,
    };
  // The repo owns a sidecar already in git: it is upgraded whatever the labels say.
  if (injected) return { inject: true };
  if (selection === 'paths') return { inject: true };
  const podInject = podSetting(job, INJECT);
  if (podInject !== undefined && !TRUE.includes(podInject.toLowerCase()))
    return { inject: false, reason: 'injection-disabled', message: `${INJECT}: "${podInject}"` };
  const ns = mesh?.namespace(namespace);
  const injection = ns?.injection?.value;
  // istio-injection wins over istio.io/rev, as in the webhook's namespace selectors.
  if (injection === 'disabled')
    return {
      inject: false,
      reason: 'namespace-disabled',
      message: `namespace ${namespace} has istio-injection: disabled`,
    };
  if (injection === 'enabled') return { inject: true };
  const nsRev = ns?.revision?.value;
  if (nsRev) {
    if (!known(nsRev))
      return {
        inject: false,
        reason: 'unknown-revision',
        message: `namespace ${namespace} names revision ${nsRev}, which no control plane defines`,
      };
    return { inject: true };
  }
  if (podInject !== undefined || podRev) return { inject: true };
  return {
    inject: false,
    reason: 'not-selected',
    message: `namespace ${namespace} is not labelled for injection and the pod does not opt in`,
  };
}

export function selectJobs(
  jobs: readonly Job[],
  selection: InjectSelection,
  mesh: RepoMesh | undefined,
  /** The revision the run injects: known, whatever the repo declares. */
  revision?: string,
): Selected {
  const selected: Job[] = [];
  const skipped: WorkloadResult[] = [];
  for (const job of jobs) {
    const v = verdict(job, selection, mesh, revision);
    if (v.inject) {
      selected.push(job);
      continue;
    }
    for (const workload of job.workloads)
      skipped.push({
        ...workload,
        file: job.file.path,
        line: job.slice.line,
        document: job.slice.index,
        status: 'skipped',
        skipReason: v.reason!,
        ...(v.message ? { skipMessage: v.message } : {}),
      });
  }
  return { jobs: selected, skipped };
}
