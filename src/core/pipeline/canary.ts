// The pipeline's hook into revision-based upgrades: a canary hop replaces the control-plane and
// data-plane steps with its three PRs, and any hop that is not a canary is held to one minor in place.
import {
  applyCanaryStep,
  canaryEdits,
  canaryPullRequestBody,
  planCanary,
  planSailMove,
  sailPullRequestBody,
  sailRevisionBasedOf,
  sailRevisionName,
  applySailMove,
  canaryLayoutOf,
  type CanaryPlan,
  type SailRevisionBased,
} from '../rollout/canary/index.js';
import { IN_PLACE_ONE_MINOR } from '../rollout/canary/facts.js';
import { compareVersions, minorDistance } from '../versions/parse.js';
import { InvalidInputError } from '../errors.js';
import { globMatcher } from '../workspace/files.js';
import { pipelinePaths, type PinStepPlan, type PlanRequest, type PlannedPullRequest } from './plan.js';
import type { Change } from './steps.js';
import { withNodeAgents } from './ambient.js';

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
  refuseCanaryWithWaves(request);
  // Ambient: a node agent behind istiod moves first, in its own PR (so never together with a hop).
  const agent = withNodeAgents(request, planned);
  if (agent) return agent;
  const canary = planCanary({
    model: request.model,
    strategy: request.config.strategy ?? 'in-place',
    target: planned.step === 'control-plane' ? planned.target : undefined,
  });
  if (!canary) {
    const sail = sailRevisionBasedOf(request.model);
    if (sail && (planned.step === 'control-plane' || planned.step === 'data-plane'))
      return withSail(planned, sail);
    if (
      planned.step === 'control-plane' &&
      planned.target &&
      minorDistance(planned.controlPlane.current, planned.target) > 1
    ) {
      const inPlace = replanInPlace();
      return {
        ...inPlace,
        reason: `${inPlace.reason} Planned in place, one minor (${IN_PLACE_ONE_MINOR.rule}): ${whyNotCanary(request)}.`,
      };
    }
    return planned;
  }
  if (canary.phase === 'move') assertSkewAfterMove(request, canary);
  if (canary.phase === 'move') assertMovable(canary);
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

/** The Sail step this run takes: (1/2) the version bump Sail turns into a revision, (2/2) the move. */
export interface SailStepPlan {
  step: 1 | 2;
  sail: SailRevisionBased;
  /** The revision the data plane moves to (step 2), or Sail will create (step 1). */
  revision: string;
  move?: ReturnType<typeof planSailMove>;
}

function withSail(planned: PinStepPlan, sail: SailRevisionBased): PinStepPlan {
  const target = planned.target ?? sail.version;
  if (planned.step === 'control-plane') {
    const revision = sailRevisionName(sail.istio.name, target);
    return {
      ...planned,
      reason: `${planned.reason} Istio ${sail.istio.name} updates by revision: Sail creates ${revision} beside ${sail.revision}.`,
      pullRequests: planned.pullRequests.map((pr) => ({
        ...pr,
        revision,
        title:
          pr.component === 'control-plane'
            ? `(1/2) set Istio ${sail.istio.name} to v${target}; Sail adds revision ${revision}`
            : `(2/2) move tags and namespaces to ${revision}, sidecars re-rendered`,
      })),
      sail: { step: 1, sail, revision },
    };
  }
  const move = planSailMove(sail);
  const files = [...new Set([...planned.files, ...move.moves.map((m) => m.file)])].sort();
  return {
    ...planned,
    files,
    pullRequests: planned.pullRequests.map((pr) =>
      pr.component === 'data-plane'
        ? {
            ...pr,
            files,
            revision: sail.revision,
            title: `(2/2) move tags and namespaces to ${sail.revision}, sidecars re-rendered`,
          }
        : pr,
    ),
    sail: { step: 2, sail, revision: sail.revision, move },
  };
}

/** Writes the Sail move of step 2 (tags, labels), before the sidecars render against the moved mesh. */
export function writeSailMove(workspace: string, plan: SailStepPlan): ReturnType<typeof applySailMove> {
  return plan.step === 2 && plan.move ? applySailMove(workspace, plan.move) : { files: [], notes: [] };
}

/** The Sail step's PR title and body, with the files its move wrote. */
export function sailStepChange(
  plan: SailStepPlan,
  written: ReturnType<typeof applySailMove>,
  from: string,
  target: string,
): { files: string[]; title: string; body: string } {
  const notes = [
    ...written.notes,
    `re-renders the sidecars in git with the injector of revision ${plan.revision}`,
  ];
  return {
    files: written.files,
    title:
      plan.step === 1
        ? `Istio canary (1/2): Istio ${plan.sail.istio.name} ${from} → ${target} (Sail revision ${plan.revision})`
        : `Istio canary (2/2): move the data plane to revision ${plan.revision}`,
    body: sailPullRequestBody(plan.step, plan.sail, from, notes),
  };
}

/**
 * An address of the old istiod in a setting (a sidecar's or gateway's CA_ADDR, caAddress,
 * proxyMetadata) is not something the move rewrites: it is the user's setting. While it is the only
 * thing left, the cleanup would cut those proxies off, so the run stops and names it.
 */
function assertMovable(canary: CanaryPlan): void {
  if (canary.references.some((r) => r.kind !== 'ca-address')) return;
  const [first] = canary.references;
  if (!first) return;
  throw new InvalidInputError(
    `cannot remove istiod ${canary.old.version} (revision ${canary.old.revision}) yet: ${first.what}${canary.references.length > 1 ? ` (and ${canary.references.length - 1} more)` : ''}`,
    {
      ...(first.source ? { file: first.source.file, line: first.source.line } : {}),
      hint: `Point it at the new istiod (istiod-${canary.revision}), or drop the setting, then run again; the cleanup PR follows once nothing names the old istiod.`,
    },
  );
}

/**
 * The config file refuses `waves` with `strategy: canary` itself; this catches the strategy given as
 * an input or flag over a config with waves.
 */
function refuseCanaryWithWaves(request: PlanRequest): void {
  const wave = request.config.waves?.[0];
  if (request.config.strategy !== 'canary' || !wave) return;
  throw new InvalidInputError("strategy 'canary' cannot be combined with the config's waves", {
    input: 'strategy',
    ...(wave.file ? { file: wave.file } : {}),
    ...(wave.line ? { line: wave.line } : {}),
    hint: 'A revision (canary) upgrade moves the whole mesh in three PRs; waves roll one version out path by path. Use strategy in-place with waves, or drop waves from the config.',
  });
}

/** Why this repo's hop cannot be a revision upgrade, for the plan's reason. */
function whyNotCanary(request: PlanRequest): string {
  const layout = canaryLayoutOf(request.model);
  if (!layout.supported) return layout.reason;
  return request.config.strategy === 'canary'
    ? 'the hop cannot start as a canary here'
    : 'the strategy is in-place';
}

/**
 * The skew guard per revision: after the move, every sidecar kept in git that the new revision
 * serves must be re-rendered by this PR (so at its version). A sidecar outside the data-plane paths
 * would stay at the old version under the new revision; more than one minor apart, that breaks
 * Istio's skew rule, so the step stops and names the file.
 */
function assertSkewAfterMove(request: PlanRequest, canary: CanaryPlan): void {
  if (minorDistance(canary.old.version, canary.target) <= 1) return;
  const paths = pipelinePaths(request.config).dataPlane;
  const rendered = globMatcher(paths.filter((p) => !p.startsWith('!')));
  const stray = canary.references.find((r) => r.kind === 'workload' && r.source && !rendered(r.source.file));
  if (stray?.source)
    throw new InvalidInputError(
      `${stray.what}, but ${stray.source.file} is outside the data-plane paths: moved to revision ${canary.revision} it would run ${canary.old.version}, more than one minor behind ${canary.target}`,
      {
        input: 'data-plane-paths',
        file: stray.source.file,
        line: stray.source.line,
        hint: `Add ${stray.source.file} to the data-plane paths so that the move re-renders it, or point it at revision ${canary.old.revision} explicitly.`,
      },
    );
}
