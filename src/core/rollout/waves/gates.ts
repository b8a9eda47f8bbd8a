// The gate between two waves, decided from what GitHub says about the previous wave's PR for the
// same target: merged, merged long enough ago (soak), and green on the required checks. Pure: the
// evidence and the clock come in, so every branch is a unit test.
import type { WaveConfig } from './wave-config.js';

export type CheckState = 'success' | 'pending' | 'failure' | 'missing';

export interface CheckResult {
  name: string;
  state: CheckState;
}

/** The previous wave's PR for the target, as the GitHub API lists it. */
export interface WavePullEvidence {
  number: number;
  url: string;
  state: 'open' | 'closed';
  mergedAt?: string;
  mergeCommitSha?: string;
  /** Each required check on the merge commit; empty until merged. */
  checks: CheckResult[];
  /**
   * Reached without a bot PR (bumped by hand): `mergeCommitSha` is the default branch's commit that
   * first made the wave's pins equal the target and `mergedAt` its commit time; `number` is 0.
   */
  byHand?: boolean;
}

export type Gate =
  | { kind: 'open' }
  | { kind: 'wait-merge'; message: string; pull?: { number: number; url: string } }
  | { kind: 'wait-soak'; until: string; message: string; pull?: { number: number; url: string } }
  | { kind: 'wait-check'; check: string; message: string; pull?: { number: number; url: string } }
  | { kind: 'blocked'; check: string; message: string; pull?: { number: number; url: string } };

export interface GateRequest {
  wave: WaveConfig;
  previous: string;
  target: string;
  evidence?: WavePullEvidence;
  now: Date;
}

/** ISO 8601 in UTC to the second: `2026-12-04T00:10:00Z`. */
function isoUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function evaluateGate({ wave, previous, target, evidence, now }: GateRequest): Gate {
  const name = wave.name;
  if (!evidence) {
    return {
      kind: 'wait-merge',
      message: `Wave ${name} waits for wave ${previous}'s control plane PR for ${target}, which is not open yet.`,
    };
  }
  const pull = { number: evidence.number, url: evidence.url };
  if (!evidence.mergedAt || !evidence.mergeCommitSha) {
    return {
      kind: 'wait-merge',
      message:
        evidence.state === 'open'
          ? `Wave ${name} waits for wave ${previous}'s PR #${evidence.number} (${target}) to be merged.`
          : `Wave ${name} waits: wave ${previous}'s PR #${evidence.number} (${target}) was closed without merging.`,
      pull,
    };
  }
  const sha = evidence.mergeCommitSha.slice(0, 12);
  const byHand = evidence.byHand === true;
  const merged = byHand ? undefined : pull;
  // What the later lines name: the PR's merge commit, or the commit that made the change by hand.
  const onCommit = byHand
    ? `commit ${sha} (made without an Istio Autopilot PR)`
    : `merge commit ${sha} (#${evidence.number})`;
  // A red check stops the rollout whatever the soak: later waves must not inherit a failing change.
  const failed = evidence.checks.find((c) => c.state === 'failure');
  if (failed) {
    return {
      kind: 'blocked',
      check: failed.name,
      message: `Wave ${name} is blocked: check ${failed.name} failed on wave ${previous}'s ${onCommit}; it and every later wave stay at their version until it passes.`,
      ...(merged ? { pull: merged } : {}),
    };
  }
  const soakEnds = new Date(Date.parse(evidence.mergedAt) + wave.soakMs);
  if (soakEnds.getTime() > now.getTime()) {
    return {
      kind: 'wait-soak',
      until: isoUtc(soakEnds),
      message: `Wave ${name} waits for the ${wave.soak ?? '0'} soak of wave ${previous}'s ${byHand ? `commit ${sha}` : `#${evidence.number}`} (${target}) until ${isoUtc(soakEnds)}.`,
      ...(merged ? { pull: merged } : {}),
    };
  }
  const waiting = evidence.checks.find((c) => c.state !== 'success');
  if (waiting) {
    return {
      kind: 'wait-check',
      check: waiting.name,
      message: `Wave ${name} waits for check ${waiting.name} on wave ${previous}'s ${onCommit}: ${waiting.state === 'missing' ? 'not reported yet' : 'still pending'}.`,
      ...(merged ? { pull: merged } : {}),
    };
  }
  return { kind: 'open' };
}

/**
 * One check's state from the commit statuses (newest first, as GitHub lists them) and the check
 * runs on a commit. Names match exactly: `e2e-smoke` is not `e2e`.
 */
export function checkState(
  name: string,
  statuses: readonly { context: string; state: string }[],
  checkRuns: readonly { name: string; status: string; conclusion: string | null; id: number }[],
): CheckState {
  const states: CheckState[] = [];
  const status = statuses.find((s) => s.context === name);
  if (status)
    states.push(status.state === 'success' ? 'success' : status.state === 'pending' ? 'pending' : 'failure');
  const run = checkRuns.filter((r) => r.name === name).sort((a, b) => b.id - a.id)[0];
  if (run) {
    if (run.status !== 'completed') states.push('pending');
    else
      states.push(['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure');
  }
  if (states.includes('success')) return 'success';
  if (states.includes('failure')) return 'failure';
  return states.length ? 'pending' : 'missing';
}
