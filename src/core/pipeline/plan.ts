// Decides what one pipeline run does: a control plane PR, a data plane PR, a PR that moves Istio's
// chart and image locations off retired hosts, or nothing, by Istio's hop and skew rules applied to
// the pins the repository holds; and what the hop's upgrade notes ask of this repo.
import { REPO_CONFIG_PATH, type RepoConfig } from '../config/repo-config.js';
import { NotFoundError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { checkConsistency, type ConsistencyReport } from '../pins/consistency.js';
import { extractPins } from '../pins/engine.js';
import type { Pin } from '../pins/types.js';
import { DEFAULT_PATTERNS, globMatcher } from '../workspace/files.js';
import {
  controlPlaneVersions as controlPlaneVersionsOf,
  currentControlPlaneVersion,
} from '../mesh/current-version.js';
import type { MeshModel } from '../mesh/types.js';
import { checkRelease, type ReleaseCheck } from '../releases/check-release.js';
import type { ReleaseSources } from '../releases/sources.js';
import { findIstioSources, planSourceMoves, type SourcePlan } from '../sources/engine.js';
import type { IstioSource, SourceMove } from '../sources/types.js';
import { compareVersions, minorDistance, sortVersions } from '../versions/parse.js';
import { hopNotes, targetAdvisories, type HopNotes, type TargetAdvisories } from './upgrade-notes.js';
import type { CanaryPlan } from '../rollout/canary/index.js';
import { withCanary, type SailStepPlan } from './canary.js';

export type PipelineStep = 'control-plane' | 'data-plane' | 'cleanup' | 'sources' | 'none';

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
  component: 'control-plane' | 'data-plane' | 'cleanup' | 'sources';
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

function planPinSteps(request: PlanRequest): PinStepPlan {
  const { config } = request;
  const scanned = scanPins(request);
  const controlPlaneVersions = sortVersions(
    new Set(controlPlaneVersionsOf(request.model).map((p) => p.version)),
  );
  const current = currentControlPlaneVersion(request.model, { input: 'control-plane-paths' }).version;
  const check = checkRelease(
    {
      currentVersion: current,
      policy: config.policy,
      strategy: config.strategy,
      includePrereleases: config.includePrereleases,
      kubernetesVersion: request.kubernetesVersion,
      now: request.now,
    },
    request.sources,
  );
  const { dataPlanePins, pins } = scanned;
  const dataPlaneVersions = sortVersions(new Set(dataPlanePins.map((p) => p.version)));
  const oldestProxy = dataPlaneVersions[0];
  const lagging = dataPlanePins.filter((p) => compareVersions(p.version, current) < 0);
  const laggingFiles = [...new Set(lagging.map((p) => p.file))].sort();
  const preview = (step: PipelineStep, target: string | undefined) =>
    previewPullRequests(scanned, check, current, step, target);
  const base = {
    controlPlane: { current, versions: controlPlaneVersions, check },
    dataPlane: { versions: dataPlaneVersions, laggingFiles },
    pins,
    consistency: checkConsistency(pins),
  };
  const dataPlaneStep = (reason: string): PinStepPlan => ({
    ...base,
    step: 'data-plane',
    target: current,
    reason,
    files: laggingFiles,
    pullRequests: preview('data-plane', current),
  });

  if (check.updateAvailable && check.target) {
    // The control plane may run at most one minor ahead of its proxies: catch the proxies up first.
    const skewAfterHop = oldestProxy ? minorDistance(oldestProxy, check.target) : 0;
    if (laggingFiles.length > 0 && skewAfterHop > 1) {
      return dataPlaneStep(
        `Proxies at ${oldestProxy} must reach the control plane's ${current} before it moves to ${check.target}: Istio allows the control plane only one minor ahead of its proxies.`,
      );
    }
    return {
      ...base,
      step: 'control-plane',
      target: check.target,
      reason: `The control plane at ${current} is behind the next allowed hop, ${check.target} (policy ${check.policy}, ${check.strategy}).`,
      files: controlPlaneFiles(scanned, check.target),
      pullRequests: preview('control-plane', check.target),
    };
  }
  if (laggingFiles.length > 0) {
    return dataPlaneStep(
      `The control plane runs ${current}; proxies at ${oldestProxy} lag it in ${laggingFiles.length} file(s).`,
    );
  }
  return {
    ...base,
    step: 'none',
    reason: check.currentIsAheadOfLatest
      ? `The control plane at ${current} is newer than every release listed; nothing to do.`
      : `The control plane is at ${current}, the newest release the policy allows, and every proxy matches it.`,
    files: [],
    pullRequests: [],
  };
}

interface ScannedPins {
  controlPlanePins: Pin[];
  dataPlanePins: Pin[];
  pins: Pin[];
}

/** The pins of each half, from its paths; no control plane pin at all is an error naming the paths. */
function scanPins(request: PlanRequest): ScannedPins {
  const logger = request.logger ?? silentLogger;
  const { controlPlane: controlPlanePaths, dataPlane: dataPlanePaths } = pipelinePaths(request.config);
  // Without config both halves search the same files: scan the repository once, not twice.
  const scan = (paths: string[]) => extractPins({ root: request.workspace, paths }, { logger }).pins;
  const controlPlaneScan = scan(controlPlanePaths);
  const samePaths = controlPlanePaths.join('\0') === dataPlanePaths.join('\0');
  const controlPlanePins = controlPlaneScan.filter((p) => p.role === 'control-plane');
  const dataPlanePins = (samePaths ? controlPlaneScan : scan(dataPlanePaths)).filter(
    (p) => p.role === 'data-plane',
  );
  if (controlPlanePins.length === 0) {
    // Not a usage error: the repository holds no pin where we looked. Entries that take the paths as an
    // input name it; the CLI, which has no such flag, says only what to change.
    throw new NotFoundError('no Istio control plane pin was found', {
      input: 'control-plane-paths',
      hint: `Searched ${controlPlanePaths.join(', ')}. Point the control plane paths (control-plane: paths: in ${REPO_CONFIG_PATH}) at the files that pin Istio (IstioOperator, HelmRelease, Argo CD Application, Sail Istio, .istio-version...).`,
    });
  }
  return { controlPlanePins, dataPlanePins, pins: [...controlPlanePins, ...dataPlanePins] };
}

/** Files whose control plane pins a bump to `target` edits. */
function controlPlaneFiles(scanned: ScannedPins, target: string): string[] {
  return [...new Set(scanned.controlPlanePins.filter((p) => p.version !== target).map((p) => p.file))].sort();
}

/** Both PRs of the hop as far as they can be known now: the control plane bump and the proxies after it. */
function previewPullRequests(
  scanned: ScannedPins,
  check: ReleaseCheck,
  current: string,
  step: PipelineStep,
  target: string | undefined,
): PlannedPullRequest[] {
  const planned: PlannedPullRequest[] = [];
  if (check.updateAvailable && check.target && step !== 'data-plane') {
    planned.push({
      component: 'control-plane',
      target: check.target,
      files: controlPlaneFiles(scanned, check.target),
      now: true,
    });
  }
  const proxyTarget = step === 'control-plane' ? check.target! : (target ?? current);
  const proxyFiles = [
    ...new Set(
      scanned.dataPlanePins.filter((p) => compareVersions(p.version, proxyTarget) < 0).map((p) => p.file),
    ),
  ].sort();
  if (proxyFiles.length > 0) {
    planned.push({
      component: 'data-plane',
      target: proxyTarget,
      files: proxyFiles,
      now: step === 'data-plane',
    });
  }
  return planned;
}
