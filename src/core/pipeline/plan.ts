// Decides what one pipeline run does: a control plane PR, a data plane PR, a PR that moves Istio's
// chart and image locations off retired hosts, or nothing, by Istio's hop and skew rules applied to
// the pins the repository holds; and what the hop's upgrade notes ask of this repo.
import type { RepoConfig } from '../config/repo-config.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ConsistencyReport } from '../pins/consistency.js';
import type { Pin } from '../pins/types.js';
import { DEFAULT_PATTERNS, globMatcher } from '../workspace/files.js';
import type { MeshModel } from '../mesh/types.js';
import type { ReleaseCheck } from '../releases/check-release.js';
import type { ReleaseSources } from '../releases/sources.js';
import { findIstioSources, planSourceMoves, type SourcePlan } from '../sources/engine.js';
import type { IstioSource, SourceMove } from '../sources/types.js';
import { hopNotes, targetAdvisories, type HopNotes, type TargetAdvisories } from './upgrade-notes.js';
import type { CanaryPlan } from '../rollout/canary/index.js';
import { withCanary, type SailStepPlan } from './canary.js';
import { planPinSteps } from './pin-steps.js';

export type PipelineStep =
  | 'control-plane'
  | 'data-plane'
  | 'cleanup'
  | 'sources'
  // Ambient node agents, each in its own PR after istiod (pipeline/ambient.ts).
  | 'cni'
  | 'ztunnel'
  | 'none';

export interface UpgradePlan {
  step: PipelineStep;
  /** Why this step (or none), in a sentence. */
  reason: string;
  /** The version the step moves its pins to. */
  target?: string;
  controlPlane: {
    /** The oldest control plane version pinned: the one the next hop starts from. */
    current: string;
    versions: string[];
    check: ReleaseCheck;
  };
  dataPlane: {
    /** Versions the proxies in the data plane paths run, oldest first. */
    versions: string[];
    /** Workload files whose proxies lag the control plane. */
    laggingFiles: string[];
  };
  pins: Pin[];
  consistency: ConsistencyReport;
  /** Files the step's PR would touch; for the data plane, the workloads that get re-injected. */
  files: string[];
  /** Both PRs of the current hop, as far as they can be known now: what each would touch. */
  pullRequests: PlannedPullRequest[];
  sources: {
    /** Chart and image locations on Istio's retired hosts. */
    found: IstioSource[];
    /** The moves this run's PR makes: with a control plane bump, those its target needs. */
    moves: SourceMove[];
    /** On a retired host with no successor: for a person. */
    stuck: SourcePlan['stuck'];
  };
  /** The upgrade notes of this run's hop (or of the current minor) that apply to this repo. */
  notes: HopNotes;
  /** When the hop's target still has advisories, and the hop that fixes them. */
  targetAdvisories?: TargetAdvisories;
  /** Set when this step is one of a revision-based (canary) hop's three PRs. */
  canary?: CanaryPlan;
  /** Set when the Sail Operator runs the revision upgrade (updateStrategy RevisionBased). */
  sail?: SailStepPlan;
}

export interface PlannedPullRequest {
  component: 'control-plane' | 'data-plane' | 'cleanup' | 'sources' | 'cni' | 'ztunnel';
  target: string;
  files: string[];
  /** True for the PR this run opens; the other waits for it to merge. */
  now: boolean;
  /** A revision-based hop's new revision (`1-31-0`). */
  revision?: string;
  /** A revision-based hop's PR, as the plan prints it: `(1/3) add canary 1-31-0 …`. */
  title?: string;
}

export interface PlanRequest {
  workspace: string;
  /** The mesh model: the one answer to which control plane versions run (pins say where to edit). */
  model: MeshModel;
  config: RepoConfig;
  sources: ReleaseSources;
  kubernetesVersion?: string;
  logger?: Logger;
  now?: Date;
}

/** The globs each half is searched in: the config's, else the workspace default (YAML and .istio-version). */
export function pipelinePaths(config: RepoConfig): { controlPlane: string[]; dataPlane: string[] } {
  return {
    controlPlane: config.controlPlane.paths ?? [...DEFAULT_PATTERNS],
    dataPlane: config.dataPlane.paths ?? [...DEFAULT_PATTERNS],
  };
}

export type PinStepPlan = Omit<UpgradePlan, 'sources' | 'notes' | 'targetAdvisories'>;

export function planUpgrade(request: PlanRequest): UpgradePlan {
  const logger = request.logger ?? silentLogger;
  const planned = withCanary(request, planPinSteps(request), () =>
    planPinSteps({ ...request, config: { ...request.config, strategy: 'in-place' } }),
  );
  const { controlPlane: controlPlanePaths, dataPlane: dataPlanePaths } = pipelinePaths(request.config);
  const paths = [...new Set([...controlPlanePaths, ...dataPlanePaths])];
  const found = findIstioSources({ root: request.workspace, paths }, { logger });
  const current = planned.controlPlane.current;
  const all = planSourceMoves(found, { now: request.now });
  const step = planned.step === 'none' && all.moves.length > 0 ? 'sources' : planned.step;
  // A control plane bump moves, in the same edit, what its target is not served from.
  const inBump =
    step === 'control-plane' && !planned.canary
      ? planSourceMoves(
          found.filter((s) => pathsSearchedByBump(s.file, controlPlanePaths)),
          { onlyWhereNotServing: planned.target!, now: request.now },
        )
      : undefined;
  const moves = step === 'sources' ? all.moves : (inBump?.moves ?? []);
  const rest = all.moves.filter((m) => !moves.some((n) => n.source === m.source));
  const moveFiles = (list: SourceMove[]) => [...new Set(list.map((m) => m.source.file))].sort();
  const to = step === 'control-plane' ? planned.target! : current;
  const plan: UpgradePlan = {
    ...planned,
    step,
    sources: { found, moves, stuck: all.stuck },
    notes: hopNotes({
      from: current,
      to,
      workspace: request.workspace,
      paths,
      logger,
      kubernetesVersion: request.kubernetesVersion,
      sources: found,
      moves,
    }),
  };
  const advisories = targetAdvisories(to, planned.controlPlane.check.upgradePath, request.sources);
  if (advisories && step === 'control-plane') plan.targetAdvisories = advisories;
  if (step === 'sources') {
    plan.target = current;
    plan.reason = `The control plane is at ${current}, but ${all.moves.length} chart or image location(s) point at Istio's retired hosts (removed in December 2026, and never serving 1.31 or later): move them to Istio's current ones.`;
    plan.files = moveFiles(all.moves);
    plan.pullRequests = [{ component: 'sources', target: current, files: plan.files, now: true }];
  } else if (step === 'control-plane' && moves.length) {
    plan.files = [...new Set([...plan.files, ...moveFiles(moves)])].sort();
    const cp = plan.pullRequests.find((pr) => pr.component === 'control-plane');
    if (cp) cp.files = [...new Set([...cp.files, ...moveFiles(moves)])].sort();
  }
  if (step !== 'sources' && rest.length) {
    plan.pullRequests.push({ component: 'sources', target: current, files: moveFiles(rest), now: false });
  }
  return plan;
}

/** Whether the control plane bump's scan reads this file (its paths may be narrower than the plan's). */
function pathsSearchedByBump(file: string, controlPlanePaths: readonly string[]): boolean {
  return (
    globMatcher(controlPlanePaths.filter((p) => !p.startsWith('!')))(file) &&
    !globMatcher(controlPlanePaths.filter((p) => p.startsWith('!')).map((p) => p.slice(1)))(file)
  );
}
