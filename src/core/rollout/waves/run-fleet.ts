// Runs a fleet plan: every wave whose gate is open bumps only its own pins (and moves its own sources
// off retired hosts) and opens its PR; a wave whose control plane is current opens its data plane PR.
import { pinSplice, planPinUpdates } from '../../pins/engine.js';
import { applySplices } from '../../pins/splice.js';
import { checkReleaseTarget } from '../../releases/release-target.js';
import { releaseListOf } from '../../releases/sources.js';
import { findIstioSources, moveSplice, planSourceMoves } from '../../sources/engine.js';
import { globMatcher } from '../../workspace/files.js';
import { assignWaves, type WaveMembers } from './assign.js';
import { waveComponent } from './evidence.js';
import type { FleetPlan, FleetRequest, FleetRun, FleetRunDeps, WaveStatus } from './fleet-types.js';

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
    if (status.state !== 'open' || options.dryRun) continue;
    if (status.dataPlane) changed.push(...(await openDataPlaneWave(request, status, deps)));
    else if (status.target && status.current) {
      const members = assignment.waves.find((m) => m.wave.name === status.wave)!;
      changed.push(...(await bumpWave(request, plan, status, members, deps)));
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

/** A current wave whose proxies lag: its data plane PR. Returns the files it changed. */
async function openDataPlaneWave(
  request: FleetRequest,
  status: WaveStatus,
  deps: FleetRunDeps,
): Promise<string[]> {
  const dp = status.dataPlane!;
  const pull = await deps.openDataPlanePullRequest({
    wave: status.wave,
    component: waveComponent('data-plane', status.wave),
    branch: dp.branch,
    from: dp.from,
    to: dp.target,
    files: dp.files,
  });
  if (!pull) return [];
  status.pullRequest = pull;
  status.message = `Wave ${status.wave} is at ${dp.target}; data plane PR #${pull.number} (proxies ${dp.from} → ${dp.target}) ${pull.operation}.`;
  request.logger.info(status.message);
  return pull.files;
}

/** Bumps the wave's own pins (and its sources the target is not served from) and opens its PR. */
async function bumpWave(
  request: FleetRequest,
  plan: FleetPlan,
  status: WaveStatus,
  members: WaveMembers,
  deps: FleetRunDeps,
): Promise<string[]> {
  const target = checkReleaseTarget(status.target!, releaseListOf(request.sources, request.now), {
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
  const pull = await deps.openPullRequest({
    wave: status.wave,
    component: waveComponent('control-plane', status.wave),
    branch: status.branch!,
    from: status.current!,
    to: status.target!,
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
  return files;
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
