// The fleet rollout: for each wave in order, its control plane version and the next hop, and whether
// the gate from the previous wave (its PR for the same target merged, soaked, checks green) lets it
// open its own PR now. State is read from git (the pins) and the GitHub API (the PRs), nothing else.
import type { GitHubClient } from '../../github/client.js';
import type { Logger } from '../../logger.js';
import type { MeshModel } from '../../mesh/types.js';
import { pinSplice, planPinUpdates } from '../../pins/engine.js';
import { applySplices } from '../../pins/splice.js';
import type { Pin, PinEdit } from '../../pins/types.js';
import { findIstioSources, moveSplice, planSourceMoves } from '../../sources/engine.js';
import type { SourceMove } from '../../sources/types.js';
import { globMatcher } from '../../workspace/files.js';
import { checkRelease, type ReleaseCheck } from '../../releases/check-release.js';
import { checkReleaseTarget } from '../../releases/release-target.js';
import { releaseListOf, type ReleaseSources } from '../../releases/sources.js';
import type { UpgradeStrategy } from '../../versions/upgrade-path.js';
import { compareVersions, sortVersions } from '../../versions/parse.js';
import { assignWaves, sharedPinAdvice, type SharedPin } from './assign.js';
import { findWavePull, readRequiredChecks, waveBranch, waveComponent } from './evidence.js';
import { handCommitFor } from './git-evidence.js';
import { evaluateGate, type Gate } from './gates.js';
import type { WaveConfig } from './wave-config.js';

export type WaveState = 'current' | 'open' | 'waiting' | 'blocked' | 'no-pins';

export interface WaveStatus {
  wave: string;
  clusters: string[];
  /** Control plane versions its pins hold, oldest first. */
  controlPlane: string[];
  /** Proxy versions its pins hold, oldest first. */
  proxies: string[];
  current?: string;
  target?: string;
  state: WaveState;
  /** One line saying where the wave stands and what comes next. */
  message: string;
  gate?: Gate;
  /** End of life and advisories of its current version. */
  check?: Pick<ReleaseCheck, 'eol' | 'eolDate' | 'advisories' | 'vulnerable'>;
  /** The wave's own PR for its target, once opened (this run or earlier). */
  pullRequest?: { number: number; url: string; operation?: string };
  branch?: string;
  files: string[];
  /** Set when the wave's control plane is current and its proxies lag it: its data plane PR. */
  dataPlane?: { from: string; target: string; files: string[]; branch: string };
}

export interface FleetPlan {
  waves: WaveStatus[];
  shared: SharedPin[];
  /** For each shared pin: why it is not bumped, and the per-cluster overlay that fixes it. */
  advice: string[];
}

export interface FleetRequest {
  workspace: string;
  owner: string;
  repo: string;
  waves: readonly WaveConfig[];
  model: MeshModel;
  pins: readonly Pin[];
  sources: ReleaseSources;
  policy?: string;
  strategy?: UpgradeStrategy;
  includePrereleases?: boolean;
  kubernetesVersion?: string;
  now?: Date;
  logger: Logger;
  /** Without a client the gates cannot be read: waves after the first say so instead. */
  github?: GitHubClient;
  /** Where the control plane lives (config control-plane.paths): searched for sources to move. */
  controlPlanePaths?: readonly string[];
}

export async function planFleet(request: FleetRequest): Promise<FleetPlan> {
  const now = request.now ?? new Date();
  const assignment = assignWaves(request.waves, request.model, request.pins);
  const statuses: WaveStatus[] = [];
  let blockedBy: string | undefined;
  for (const [index, members] of assignment.waves.entries()) {
    const wave = members.wave;
    const controlPlane = sortVersions(new Set(members.controlPlanePins.map((p) => p.version)));
    const status: WaveStatus = {
      wave: wave.name,
      clusters: members.clusters.map((c) => c.name),
      controlPlane,
      proxies: sortVersions(new Set(members.dataPlanePins.map((p) => p.version))),
      state: 'current',
      message: '',
      files: [],
    };
    statuses.push(status);
    const current = controlPlane[0];
    if (!current) {
      status.state = 'no-pins';
      const shared = assignment.shared.filter((s) => s.waves.includes(wave.name));
      status.message = shared.length
        ? `Wave ${wave.name} is pinned only in a base shared with other waves (${[...new Set(shared.map((s) => `${s.pin.file}:${s.pin.line}`))].join(', ')}); it is not bumped wave by wave until each cluster has its own version.`
        : `Wave ${wave.name} holds no control plane pin of its own; nothing is bumped for it.`;
      continue;
    }
    status.current = current;
    const check = checkRelease(
      {
        currentVersion: current,
        policy: request.policy,
        strategy: request.strategy,
        includePrereleases: request.includePrereleases,
        kubernetesVersion: request.kubernetesVersion,
        now,
      },
      request.sources,
    );
    status.check = {
      eol: check.eol,
      eolDate: check.eolDate,
      advisories: check.advisories,
      vulnerable: check.vulnerable,
    };
    if (!check.updateAvailable || !check.target) {
      status.message = `Wave ${wave.name} is at ${current}, the newest release the policy allows.`;
      // The wave's proxies follow its control plane in their own PR, touching only the wave's files.
      const lagging = members.dataPlanePins.filter((p) => compareVersions(p.version, current) < 0);
      if (lagging.length > 0) {
        const files = [...new Set(lagging.map((p) => p.file))].sort();
        status.state = 'open';
        status.dataPlane = {
          from: sortVersions(new Set(lagging.map((p) => p.version)))[0]!,
          target: current,
          files,
          branch: waveBranch('data-plane', wave.name, current),
        };
        status.message = `Wave ${wave.name} is at ${current}; its proxies at ${status.dataPlane.from} follow in its data plane PR (${files.length} file(s)).`;
      }
      continue;
    }
    const target = check.target;
    status.target = target;
    status.branch = waveBranch('control-plane', wave.name, target);
    const edits = members.controlPlanePins.filter((p) => compareVersions(p.version, target) < 0);
    status.files = [...new Set(edits.map((p) => p.file))].sort();
    if (blockedBy) {
      status.state = 'blocked';
      status.message = `Wave ${wave.name} is blocked (${current} → ${target}): ${blockedBy}`;
      continue;
    }
    if (index === 0) {
      status.state = 'open';
      status.message = `Wave ${wave.name} opens its control plane PR: ${current} → ${target}.`;
      continue;
    }
    const previous = request.waves[index - 1]!;
    if (!request.github) {
      status.state = 'waiting';
      status.message = `Wave ${wave.name} (${current} → ${target}) is gated on wave ${previous.name}'s PR for ${target}; a GitHub token is needed to read it.`;
      continue;
    }
    const evidence = await findWavePull(request.github, {
      owner: request.owner,
      repo: request.repo,
      wave: previous.name,
      target,
      requireChecks: wave.requireChecks,
    });
    let gate = evaluateGate({ wave, previous: previous.name, target, evidence, now });
    let handMade: string | undefined;
    const before = statuses[index - 1];
    if (
      !evidence &&
      gate.kind === 'wait-merge' &&
      before?.current &&
      compareVersions(before.current, target) >= 0
    ) {
      // Reached by hand (or before waves were set up): git says when, on the default branch.
      const hand = handCommitFor(request.workspace, assignment.waves[index - 1]!.controlPlanePins);
      if (hand.kind === 'found') {
        handMade = hand.sha;
        const checks = await readRequiredChecks(
          request.github,
          { owner: request.owner, repo: request.repo },
          hand.sha,
          wave.requireChecks,
        );
        const byHand = {
          number: 0,
          url: '',
          state: 'closed' as const,
          mergedAt: hand.committedAt,
          mergeCommitSha: hand.sha,
          checks,
          byHand: true,
        };
        gate = evaluateGate({ wave, previous: previous.name, target, evidence: byHand, now });
      } else {
        gate = {
          kind: 'wait-merge',
          message:
            hand.kind === 'shallow'
              ? `Wave ${wave.name} waits: wave ${previous.name} already runs ${before.current} without an Istio Autopilot PR, but ${hand.message}.`
              : `Wave ${wave.name} waits: wave ${previous.name} already runs ${before.current}, but neither a merged Istio Autopilot PR for ${target} nor the git history of its pins records when, so its soak cannot be measured; merge ${previous.name}'s bump through the bot's PR (or remove the gate).`,
        };
      }
    }
    status.gate = gate;
    if (gate.kind === 'open') {
      status.state = 'open';
      status.message = `Wave ${wave.name} opens its control plane PR: ${current} → ${target} (wave ${previous.name}'s ${handMade ? `commit ${handMade.slice(0, 12)}` : `#${evidence!.number}`} merged, soaked${wave.requireChecks.length ? ', checks green' : ''}).`;
    } else {
      status.state = gate.kind === 'blocked' ? 'blocked' : 'waiting';
      status.message = gate.message;
      if (gate.kind === 'blocked')
        blockedBy = `check ${gate.check} failed in wave ${previous.name}${gate.pull ? ` (#${gate.pull.number})` : ''}.`;
    }
  }
  return { waves: statuses, shared: assignment.shared, advice: assignment.shared.map(sharedPinAdvice) };
}

/** What the pipeline does with one wave whose gate is open: commit its edits and open its PR. */
export interface WavePullRequest {
  wave: string;
  component: string;
  branch: string;
  from: string;
  to: string;
  files: string[];
  edits: PinEdit[];
  /** Istio chart and image locations in the wave's files moved off retired hosts for the target. */
  moves: SourceMove[];
}

export interface FleetRunDeps {
  openPullRequest: (
    request: WavePullRequest,
  ) => Promise<{ number: number; url: string; operation: string } | undefined>;
  /** Re-renders the wave's lagging proxies at its control plane version and opens its data plane PR. */
  openDataPlanePullRequest: (
    request: Omit<WavePullRequest, 'edits' | 'moves'>,
  ) => Promise<{ number: number; url: string; operation: string; files: string[] } | undefined>;
}

export interface FleetRun extends FleetPlan {
  changedFiles: string[];
}

/** Bumps every wave whose gate is open (only its own pins) and opens its PR, wave by wave. */
export async function runFleet(
  request: FleetRequest,
  plan: FleetPlan,
  deps: FleetRunDeps,
  options: { dryRun?: boolean } = {},
): Promise<FleetRun> {
  const assignment = assignWaves(request.waves, request.model, request.pins);
  const changed: string[] = [];
  for (const status of plan.waves) {
    request.logger.info(status.message);
    if (status.state === 'open' && status.dataPlane && !options.dryRun) {
      const dp = status.dataPlane;
      const pull = await deps.openDataPlanePullRequest({
        wave: status.wave,
        component: waveComponent('data-plane', status.wave),
        branch: dp.branch,
        from: dp.from,
        to: dp.target,
        files: dp.files,
      });
      if (pull) {
        changed.push(...pull.files);
        status.pullRequest = pull;
        status.message = `Wave ${status.wave} is at ${dp.target}; data plane PR #${pull.number} (proxies ${dp.from} → ${dp.target}) ${pull.operation}.`;
        request.logger.info(status.message);
      }
      continue;
    }
    if (status.state !== 'open' || !status.target || !status.current || options.dryRun) continue;
    const members = assignment.waves.find((m) => m.wave.name === status.wave)!;
    const target = checkReleaseTarget(status.target, releaseListOf(request.sources, request.now), {
      logger: request.logger,
    });
    const pinPlan = planPinUpdates(members.controlPlanePins, target, {
      role: 'control-plane',
      logger: request.logger,
    });
    // As the ordinary bump does: locations the target is not served from move too, in this wave only.
    const inWave = globMatcher(members.wave.paths);
    const sources = findIstioSources(
      { root: request.workspace, paths: request.controlPlanePaths ?? [] },
      { logger: request.logger },
    ).filter((source) => inWave(source.file));
    const sourcePlan = planSourceMoves(sources, { onlyWhereNotServing: target.version, now: request.now });
    for (const { source, reason } of sourcePlan.stuck)
      request.logger.warning(`${source.location}: ${reason}`, source);
    const files = applySplices(
      request.workspace,
      [...pinPlan.edits.map(pinSplice), ...sourcePlan.moves.map(moveSplice)],
      { logger: request.logger },
    );
    changed.push(...files);
    const pull = await deps.openPullRequest({
      wave: status.wave,
      component: waveComponent('control-plane', status.wave),
      branch: status.branch!,
      from: status.current,
      to: status.target,
      files,
      edits: pinPlan.edits,
      moves: sourcePlan.moves,
    });
    if (pull) {
      status.pullRequest = pull;
      // The next wave, planned before this PR existed, now waits for it by number.
      const next = plan.waves[plan.waves.indexOf(status) + 1];
      if (next?.state === 'waiting' && next.gate?.kind === 'wait-merge' && next.target === status.target) {
        next.gate = { ...next.gate, pull: { number: pull.number, url: pull.url } };
        next.message = `Wave ${next.wave} waits for wave ${status.wave}'s PR #${pull.number} (${status.target}) to be merged.`;
      }
      status.message = `Wave ${status.wave}: PR #${pull.number} (${status.current} → ${status.target}) ${pull.operation}; ${followUp(plan, request, status.wave)}`;
      request.logger.info(status.message);
    }
  }
  for (const advice of plan.advice) request.logger.warning(advice);
  const orphans = assignment.unassigned.filter((p) => p.role === 'control-plane');
  if (orphans.length > 0)
    request.logger.warning(
      `${orphans.length} control plane pin(s) belong to no wave and are not bumped while waves are set: ${orphans.map((p) => `${p.file}:${p.line}`).join(', ')}. Add their files to a wave's paths.`,
    );
  return { ...plan, changedFiles: [...new Set(changed)].sort() };
}

function followUp(plan: FleetPlan, request: FleetRequest, wave: string): string {
  const index = plan.waves.findIndex((w) => w.wave === wave);
  const next = plan.waves[index + 1]?.wave;
  return next
    ? `wave ${next} follows once it is merged${nextGateText(request, wave)}.`
    : 'the last wave: the rollout ends with it.';
}

function nextGateText(request: FleetRequest, wave: string): string {
  const index = request.waves.findIndex((w) => w.name === wave);
  const next = request.waves[index + 1];
  if (!next) return '';
  const parts = [
    next.soak && next.soakMs > 0 ? `soaked ${next.soak}` : '',
    next.requireChecks.length ? `green on ${next.requireChecks.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? `, ${parts.join(' and ')}` : '';
}

/** One line per wave that waits or is blocked: what for, and until when. */
export function waitingLines(plan: FleetPlan): string[] {
  return plan.waves.filter((w) => w.state === 'waiting' || w.state === 'blocked').map((w) => w.message);
}
