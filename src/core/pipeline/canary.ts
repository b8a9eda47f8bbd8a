// The pipeline's hook into revision-based upgrades: a canary hop replaces the control-plane and
// data-plane steps with its three PRs, and any hop that is not a canary is held to one minor in place.
import {
  applyCanaryStep,
  canaryEdits,
  canaryPullRequestBody,
  planCanary,
  type CanaryPlan,
} from '../rollout/canary/index.js';
import { IN_PLACE_ONE_MINOR } from '../rollout/canary/facts.js';
import { compareVersions, minorDistance } from '../versions/parse.js';
import type { PinStepPlan, PlanRequest, PlannedPullRequest } from './plan.js';
import type { Change } from './run.js';

/**
 * The pin plan with the canary step in it when the hop is a revision upgrade. Otherwise, a
 * control-plane hop of more than one minor is planned again in place: Istio moves one control plane
 * in place one minor at a time, whatever the strategy asked for.
 */
export function withCanary(
  request: PlanRequest,
  planned: PinStepPlan,
  replanInPlace: () => PinStepPlan,
): PinStepPlan {
  const canary = planCanary({
    model: request.model,
    strategy: request.config.strategy ?? 'in-place',
    target: planned.step === 'control-plane' ? planned.target : undefined,
    current: planned.controlPlane.current,
  });
  if (!canary) {
    if (
      planned.step === 'control-plane' &&
      planned.target &&
      minorDistance(planned.controlPlane.current, planned.target) > 1
    ) {
      const inPlace = replanInPlace();
      return {
        ...inPlace,
        reason: `${inPlace.reason} The canary strategy needs a layout upgraded by revision (a Flux HelmRelease istiod, no ambient); here the hop is in place: ${IN_PLACE_ONE_MINOR.rule}.`,
      };
    }
    return planned;
  }
  const files = canaryEdits(request.workspace, canary).files;
  const now = [...files.keys()].sort();
  const proxyFiles = [
    ...new Set(
      planned.pins
        .filter((p) => p.role === 'data-plane' && compareVersions(p.version, canary.target) < 0)
        .map((p) => p.file),
    ),
  ].sort();
  return {
    ...planned,
    step: canary.step,
    target: canary.target,
    reason: canary.reason,
    files: canary.phase === 'move' ? [...new Set([...now, ...proxyFiles])].sort() : now,
    pullRequests: pullRequestsOf(canary, now, proxyFiles),
    canary,
  };
}

function pullRequestsOf(canary: CanaryPlan, now: string[], proxyFiles: string[]): PlannedPullRequest[] {
  const index = canary.sequence.find((s) => s.step === canary.step)!.index;
  return canary.sequence
    .filter((s) => s.index >= index)
    .map((s) => ({
      component: s.step,
      target: canary.target,
      files:
        s.index === index
          ? canary.phase === 'move'
            ? [...new Set([...now, ...proxyFiles])].sort()
            : now
          : s.step === 'data-plane'
            ? proxyFiles
            : [],
      now: s.index === index,
      revision: canary.revision,
      title: s.title,
    }));
}

/** What a canary step changed, in the run's terms, with its PR title and body. */
export interface CanaryChange extends Change {
  title: string;
  body: string;
}

export interface CanaryRunHooks {
  /** Re-renders the sidecars kept in git with the new revision's injector (the data-plane step). */
  sidecars: () => Promise<Change>;
  /** Brings the control-plane pins left behind (a shared version variable) to the target. */
  leftovers: () => Change;
}

/** Writes the plan's canary step: the rollout edits, then sidecars (step 2) or leftover pins (step 3). */
export async function runCanaryStep(
  workspace: string,
  canary: CanaryPlan,
  hooks: CanaryRunHooks,
): Promise<CanaryChange> {
  const written = applyCanaryStep(workspace, canary);
  const extra =
    canary.phase === 'move'
      ? await hooks.sidecars()
      : canary.phase === 'cleanup'
        ? hooks.leftovers()
        : undefined;
  const notes = [...written.notes];
  if (canary.phase === 'move' && extra?.workloads)
    notes.push(
      `re-renders ${extra.workloads.rendered} sidecar(s) in ${extra.workloads.files} file(s) with the injector of revision ${canary.revision} (${canary.target})`,
    );
  if (canary.phase === 'cleanup' && extra?.pins.length)
    notes.push(`moves ${extra.pins.length} remaining control-plane pin(s) to ${canary.target}`);
  const step = canary.sequence.find((s) => s.step === canary.step)!;
  return {
    from: canary.old.version,
    files: [...new Set([...written.files, ...(extra?.files ?? [])])].sort(),
    pins: extra?.pins ?? [],
    ...(extra?.workloads ? { workloads: extra.workloads } : {}),
    moves: extra?.moves ?? [],
    title: `Istio canary ${step.title}`,
    body: canaryPullRequestBody(canary, notes),
  };
}
