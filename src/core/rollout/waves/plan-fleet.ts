// Plans the fleet rollout: for each wave in order, its control plane version and the next hop, and
// whether the gate from the previous wave (its PR for the same target merged, soaked, checks green)
// lets it open its own PR now. State is read from git (the pins) and the GitHub API (the PRs).
import { checkRelease } from '../../releases/check-release.js';
import { compareVersions, sortVersions } from '../../versions/parse.js';
import { assignWaves, sharedPinAdvice, type SharedPin, type WaveMembers } from './assign.js';
import { findWavePull, readRequiredChecks, waveBranch } from './evidence.js';
import type { FleetPlan, FleetRequest, WaveStatus } from './fleet-types.js';
import { handCommitFor } from './git-evidence.js';
import { evaluateGate, type Gate } from './gates.js';

export async function planFleet(request: FleetRequest): Promise<FleetPlan> {
  const now = request.now ?? new Date();
  const assignment = assignWaves(request.waves, request.model, request.pins);
  const statuses: WaveStatus[] = [];
  let blockedBy: string | undefined;
  for (const [index, members] of assignment.waves.entries()) {
    const status = initialStatus(members);
    statuses.push(status);
    const current = status.controlPlane[0];
    if (!current) {
      status.state = 'no-pins';
      status.message = noPinsMessage(members, assignment.shared);
      continue;
    }
    const target = checkWave(request, members, status, current, now);
    if (!target) continue;
    if (blockedBy) {
      status.state = 'blocked';
      status.message = `Wave ${members.wave.name} is blocked (${current} → ${target}): ${blockedBy}`;
      continue;
    }
    if (index === 0) {
      status.state = 'open';
      status.message = `Wave ${members.wave.name} opens its control plane PR: ${current} → ${target}.`;
      continue;
    }
    const previous = {
      config: request.waves[index - 1]!,
      status: statuses[index - 1],
      members: assignment.waves[index - 1]!,
    };
    blockedBy = (await gateWave(request, { members, status, current, target, now }, previous)) ?? blockedBy;
  }
  return { waves: statuses, shared: assignment.shared, advice: assignment.shared.map(sharedPinAdvice) };
}

function initialStatus(members: WaveMembers): WaveStatus {
  return {
    wave: members.wave.name,
    clusters: members.clusters.map((c) => c.name),
    controlPlane: sortVersions(new Set(members.controlPlanePins.map((p) => p.version))),
    proxies: sortVersions(new Set(members.dataPlanePins.map((p) => p.version))),
    state: 'current',
    message: '',
    files: [],
  };
}

function noPinsMessage(members: WaveMembers, allShared: readonly SharedPin[]): string {
  const name = members.wave.name;
  const shared = allShared.filter((s) => s.waves.includes(name));
  return shared.length
    ? `Wave ${name} is pinned only in a base shared with other waves (${[...new Set(shared.map((s) => `${s.pin.file}:${s.pin.line}`))].join(', ')}); it is not bumped wave by wave until each cluster has its own version.`
    : `Wave ${name} holds no control plane pin of its own; nothing is bumped for it.`;
}

/**
 * The wave's release check: its next hop (returned, with the branch and files set on the status), or
 * none, when it is current and only its proxies may follow in their own PR.
 */
function checkWave(
  request: FleetRequest,
  members: WaveMembers,
  status: WaveStatus,
  current: string,
  now: Date,
): string | undefined {
  const wave = members.wave;
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
    return undefined;
  }
  const target = check.target;
  status.target = target;
  status.branch = waveBranch('control-plane', wave.name, target);
  const edits = members.controlPlanePins.filter((p) => compareVersions(p.version, target) < 0);
  status.files = [...new Set(edits.map((p) => p.file))].sort();
  return target;
}

interface WaveHop {
  members: WaveMembers;
  status: WaveStatus;
  current: string;
  target: string;
  now: Date;
}

interface PreviousWave {
  config: FleetRequest['waves'][number];
  status: WaveStatus | undefined;
  members: WaveMembers;
}

/** Sets the wave's state from the previous wave's gate; returns why later waves are blocked, if so. */
async function gateWave(
  request: FleetRequest,
  hop: WaveHop,
  previous: PreviousWave,
): Promise<string | undefined> {
  const { members, status, current, target, now } = hop;
  const wave = members.wave;
  if (!request.github) {
    status.state = 'waiting';
    status.message = `Wave ${wave.name} (${current} → ${target}) is gated on wave ${previous.config.name}'s PR for ${target}; a GitHub token is needed to read it.`;
    return undefined;
  }
  const evidence = await findWavePull(request.github, {
    owner: request.owner,
    repo: request.repo,
    wave: previous.config.name,
    target,
    requireChecks: wave.requireChecks,
  });
  let gate = evaluateGate({ wave, previous: previous.config.name, target, evidence, now });
  let handMade: string | undefined;
  const before = previous.status;
  if (
    !evidence &&
    gate.kind === 'wait-merge' &&
    before?.current &&
    compareVersions(before.current, target) >= 0
  ) {
    const byHand = await handGate(request, hop, previous, before.current);
    gate = byHand.gate;
    handMade = byHand.sha;
  }
  status.gate = gate;
  if (gate.kind === 'open') {
    status.state = 'open';
    status.message = `Wave ${wave.name} opens its control plane PR: ${current} → ${target} (wave ${previous.config.name}'s ${handMade ? `commit ${handMade.slice(0, 12)}` : `#${evidence!.number}`} merged, soaked${wave.requireChecks.length ? ', checks green' : ''}).`;
    return undefined;
  }
  status.state = gate.kind === 'blocked' ? 'blocked' : 'waiting';
  status.message = gate.message;
  return gate.kind === 'blocked'
    ? `check ${gate.check} failed in wave ${previous.config.name}${gate.pull ? ` (#${gate.pull.number})` : ''}.`
    : undefined;
}

/** The previous wave reached the target by hand (or before waves were set up): git says when. */
async function handGate(
  request: FleetRequest,
  hop: WaveHop,
  previous: PreviousWave,
  previousVersion: string,
): Promise<{ gate: Gate; sha?: string }> {
  const { members, target, now } = hop;
  const wave = members.wave;
  const hand = handCommitFor(request.workspace, previous.members.controlPlanePins);
  if (hand.kind === 'found') {
    const checks = await readRequiredChecks(
      request.github!,
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
    return {
      gate: evaluateGate({ wave, previous: previous.config.name, target, evidence: byHand, now }),
      sha: hand.sha,
    };
  }
  return {
    gate: {
      kind: 'wait-merge',
      message:
        hand.kind === 'shallow'
          ? `Wave ${wave.name} waits: wave ${previous.config.name} already runs ${previousVersion} without an Istio Autopilot PR, but ${hand.message}.`
          : `Wave ${wave.name} waits: wave ${previous.config.name} already runs ${previousVersion}, but neither a merged Istio Autopilot PR for ${target} nor the git history of its pins records when, so its soak cannot be measured; merge ${previous.config.name}'s bump through the bot's PR (or remove the gate).`,
    },
  };
}
