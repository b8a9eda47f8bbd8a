// Decides what one pipeline run does: a control plane PR, a data plane PR, or nothing, by Istio's
// hop and skew rules applied to the pins the repository holds.
import type { RepoConfig } from '../config/repo-config.js';
import { InvalidInputError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { checkConsistency, type ConsistencyReport } from '../pins/consistency.js';
import { extractPins } from '../pins/engine.js';
import type { Pin } from '../pins/types.js';
import { DEFAULT_PATTERNS } from '../workspace/files.js';
import {
  controlPlaneVersions as controlPlaneVersionsOf,
  currentControlPlaneVersion,
} from '../mesh/current-version.js';
import type { MeshModel } from '../mesh/types.js';
import { checkRelease, type ReleaseCheck, type ReleaseSources } from '../releases/check-release.js';
import { compareVersions, minorDistance, sortVersions } from '../versions/parse.js';

export type PipelineStep = 'control-plane' | 'data-plane' | 'none';

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
}

export interface PlannedPullRequest {
  component: 'control-plane' | 'data-plane';
  target: string;
  files: string[];
  /** True for the PR this run opens; the other waits for it to merge. */
  now: boolean;
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

export function planUpgrade(request: PlanRequest): UpgradePlan {
  const logger = request.logger ?? silentLogger;
  const { config } = request;
  const { controlPlane: controlPlanePaths, dataPlane: dataPlanePaths } = pipelinePaths(config);

  // Without config both halves search the same files: scan the repository once, not twice.
  const scan = (paths: string[]) => extractPins({ root: request.workspace, paths }, { logger }).pins;
  const controlPlaneScan = scan(controlPlanePaths);
  const samePaths = controlPlanePaths.join('\0') === dataPlanePaths.join('\0');
  const controlPlanePins = controlPlaneScan.filter((p) => p.role === 'control-plane');
  const dataPlanePins = (samePaths ? controlPlaneScan : scan(dataPlanePaths)).filter(
    (p) => p.role === 'data-plane',
  );
  const pins = [...controlPlanePins, ...dataPlanePins];
  if (controlPlanePins.length === 0) {
    throw new InvalidInputError('no Istio control plane pin was found', {
      input: 'control-plane-paths',
      hint: `Searched ${controlPlanePaths.join(', ')}. Point control-plane paths at the files that pin Istio (IstioOperator, HelmRelease, Argo CD Application, Sail Istio, .istio-version...).`,
    });
  }
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
  const dataPlaneVersions = sortVersions(new Set(dataPlanePins.map((p) => p.version)));
  const oldestProxy = dataPlaneVersions[0];
  const controlPlaneFiles = (target: string) =>
    [...new Set(controlPlanePins.filter((p) => p.version !== target).map((p) => p.file))].sort();
  const lagging = dataPlanePins.filter((p) => compareVersions(p.version, current) < 0);
  const laggingFiles = [...new Set(lagging.map((p) => p.file))].sort();
  const olderProxyFiles = (target: string) =>
    [
      ...new Set(dataPlanePins.filter((p) => compareVersions(p.version, target) < 0).map((p) => p.file)),
    ].sort();
  const previewFor = (step: PipelineStep, target: string | undefined): PlannedPullRequest[] => {
    const planned: PlannedPullRequest[] = [];
    if (check.updateAvailable && check.target && step !== 'data-plane') {
      planned.push({
        component: 'control-plane',
        target: check.target,
        files: controlPlaneFiles(check.target),
        now: true,
      });
    }
    const proxyTarget = step === 'control-plane' ? check.target! : (target ?? current);
    const proxyFiles = olderProxyFiles(proxyTarget);
    if (proxyFiles.length > 0) {
      planned.push({
        component: 'data-plane',
        target: proxyTarget,
        files: proxyFiles,
        now: step === 'data-plane',
      });
    }
    return planned;
  };
  const base = {
    controlPlane: { current, versions: controlPlaneVersions, check },
    dataPlane: { versions: dataPlaneVersions, laggingFiles },
    pins,
    consistency: checkConsistency(pins),
  };

  if (check.updateAvailable && check.target) {
    // The control plane may run at most one minor ahead of its proxies: catch the proxies up first.
    const skewAfterHop = oldestProxy ? minorDistance(oldestProxy, check.target) : 0;
    if (laggingFiles.length > 0 && skewAfterHop > 1) {
      return {
        ...base,
        step: 'data-plane',
        target: current,
        reason: `Proxies at ${oldestProxy} must reach the control plane's ${current} before it moves to ${check.target}: Istio allows the control plane only one minor ahead of its proxies.`,
        files: laggingFiles,
        pullRequests: previewFor('data-plane', current),
      };
    }
    return {
      ...base,
      step: 'control-plane',
      target: check.target,
      reason: `The control plane at ${current} is behind the next allowed hop, ${check.target} (policy ${check.policy}, ${check.strategy}).`,
      files: controlPlaneFiles(check.target),
      pullRequests: previewFor('control-plane', check.target),
    };
  }
  if (laggingFiles.length > 0) {
    return {
      ...base,
      step: 'data-plane',
      target: current,
      reason: `The control plane runs ${current}; proxies at ${oldestProxy} lag it in ${laggingFiles.length} file(s).`,
      files: laggingFiles,
      pullRequests: previewFor('data-plane', current),
    };
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
