// Sidecar mode per workload: native (istio-proxy among the init containers, restartPolicy Always) or
// classic (among the containers). A workload keeps the mode it has unless the config names one; a
// switch is a deliberate change, reported per workload.
import { stringify } from 'yaml';
import type { Logger } from '../logger.js';
import type { Job } from './jobs.js';
import type { SidecarMode, WorkloadResult } from './types.js';
import { isObject, objectsOf, podTemplateOf, workloadsOf } from './workloads.js';

export interface ModeGroup {
  native: boolean;
  /** Indexes into the jobs, in order. */
  indexes: number[];
  /** Per job index, the mode its source already has (absent: no sidecar yet). */
  existing: Map<number, SidecarMode>;
}

/**
 * The document istioctl is given for a job whose mode changes: without the old istio-proxy, which
 * istioctl would otherwise keep beside the new one (its status annotation still lists the rest).
 */
export function bodyForMode(job: Job, from: SidecarMode | undefined, native: boolean): string {
  if (from === undefined || (from === 'native') === native) return job.body;
  const list = from === 'native' ? 'initContainers' : 'containers';
  const document = JSON.parse(JSON.stringify(job.source())) as unknown;
  for (const object of objectsOf(document)) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec || !Array.isArray(spec[list])) continue;
    spec[list] = (spec[list] as unknown[]).filter((c) => !(isObject(c) && c['name'] === 'istio-proxy'));
  }
  return stringify(document);
}

/** The mode the first injected pod template of a document has. */
export function existingMode(job: Job): SidecarMode | undefined {
  if (!job.body.includes('istio-proxy')) return undefined;
  const known = job.podSettings?.get(MODE_SETTING);
  if (known !== undefined) return known === 'native' || known === 'classic' ? known : undefined;
  const mode = modeIn(job.values?.() ?? job.source());
  job.podSettings?.set(MODE_SETTING, mode ?? null);
  return mode;
}

/** The key under which the pod-settings cache keeps a body's sidecar mode. */
export const MODE_SETTING = '@sidecar-mode';

/** The mode the first injected pod template of a parsed document has. */
export function modeIn(source: unknown): SidecarMode | undefined {
  for (const object of objectsOf(source)) {
    if (workloadsOf(object).length !== 1) continue;
    const spec = podTemplateOf(object)?.spec;
    if (!spec) continue;
    const has = (list: string) =>
      Array.isArray(spec[list]) &&
      (spec[list] as unknown[]).some((c) => isObject(c) && c['name'] === 'istio-proxy');
    if (has('initContainers')) return 'native';
    if (has('containers')) return 'classic';
  }
  return undefined;
}

/**
 * Splits the jobs by the mode each is injected in: the configured one when `configured`, else the
 * one the workload has, else the control plane's default (`defaultNative`).
 */
export function sidecarModeGroups(
  jobs: readonly Job[],
  configured: boolean,
  defaultNative: boolean,
  logger: Logger,
): ModeGroup[] {
  const groups = new Map<boolean, ModeGroup>();
  jobs.forEach((job, j) => {
    const mode = existingMode(job);
    const native = configured || mode === undefined ? defaultNative : mode === 'native';
    if (configured && mode !== undefined && (mode === 'native') !== native)
      logger.notice(
        `${job.where}: switching the sidecar from ${mode} to ${native ? 'native' : 'classic'}, as native-sidecars says`,
        { file: job.file.path, line: job.slice.line },
      );
    const group = groups.get(native) ?? { native, indexes: [], existing: new Map<number, SidecarMode>() };
    group.indexes.push(j);
    if (mode) group.existing.set(j, mode);
    groups.set(native, group);
  });
  return [...groups.values()].sort((a, b) => Number(a.native) - Number(b.native));
}

/** Puts each workload's mode before and after on its result. */
export function recordModes(
  workloads: readonly WorkloadResult[],
  jobs: readonly Job[],
  groups: readonly ModeGroup[],
): void {
  const byLocation = new Map<string, { from?: SidecarMode; to: SidecarMode }>();
  for (const group of groups)
    for (const j of group.indexes) {
      const job = jobs[j]!;
      const from = group.existing.get(j);
      byLocation.set(`${job.file.path}\0${job.slice.index}`, {
        ...(from ? { from } : {}),
        to: group.native ? 'native' : 'classic',
      });
    }
  for (const w of workloads) {
    const modes = byLocation.get(`${w.file}\0${w.document}`);
    if (!modes) continue;
    if (w.from && modes.from) w.from.mode = modes.from;
    if (w.to && w.status !== 'skipped') w.to.mode = modes.to;
  }
}
