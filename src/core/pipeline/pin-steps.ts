// The pin steps of a plan: which pins each half holds, the release check of the running control
// plane, and whether the control plane moves next, its proxies catch up first, or nothing is due.
import { REPO_CONFIG_PATH } from '../config/repo-config.js';
import { NotFoundError } from '../errors.js';
import { silentLogger } from '../logger.js';
import {
  controlPlaneVersions as controlPlaneVersionsOf,
  currentControlPlaneVersion,
} from '../mesh/current-version.js';
import { checkConsistency } from '../pins/consistency.js';
import { extractPins } from '../pins/engine.js';
import type { Pin } from '../pins/types.js';
import { checkRelease, type ReleaseCheck } from '../releases/check-release.js';
import { compareVersions, minorDistance, sortVersions } from '../versions/parse.js';
import {
  pipelinePaths,
  type PinStepPlan,
  type PipelineStep,
  type PlannedPullRequest,
  type PlanRequest,
} from './plan.js';

/** The control plane or data plane step (or none) the pins and the release check call for. */
export function planPinSteps(request: PlanRequest): PinStepPlan {
  const scanned = scanPins(request);
  const controlPlaneVersions = sortVersions(
    new Set(controlPlaneVersionsOf(request.model).map((p) => p.version)),
  );
  const current = currentControlPlaneVersion(request.model, { input: 'control-plane-paths' }).version;
  const check = checkControlPlane(request, current);
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
  const reason = check.currentIsAheadOfLatest
    ? `The control plane at ${current} is newer than every release listed; nothing to do.`
    : `The control plane is at ${current}, the newest release the policy allows, and every proxy matches it.`;
  return { ...base, step: 'none', reason, files: [], pullRequests: [] };
}

/** The release check of the running control plane, as the repo config asks for it. */
function checkControlPlane(request: PlanRequest, current: string): ReleaseCheck {
  const { policy, strategy, includePrereleases } = request.config;
  const { kubernetesVersion, now } = request;
  return checkRelease(
    { currentVersion: current, policy, strategy, includePrereleases, kubernetesVersion, now },
    request.sources,
  );
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
