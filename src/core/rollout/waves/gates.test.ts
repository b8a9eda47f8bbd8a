import { describe, expect, it } from 'vitest';
import { checkState, evaluateGate, type WavePullEvidence } from './gates.js';
import type { WaveConfig } from './wave-config.js';

const HOUR = 3_600_000;
const staging: WaveConfig = {
  name: 'staging',
  paths: ['clusters/staging/**'],
  soakMs: 48 * HOUR,
  soak: '2d',
  requireChecks: ['e2e'],
};
const now = new Date('2026-12-02T12:00:00Z');
const merged = (hoursAgo: number, checks: WavePullEvidence['checks']): WavePullEvidence => ({
  number: 7,
  url: 'https://github.com/o/r/pull/7',
  state: 'closed',
  mergedAt: new Date(now.getTime() - hoursAgo * HOUR).toISOString(),
  mergeCommitSha: 'a'.repeat(40),
  checks,
});
const gate = (evidence?: WavePullEvidence) =>
  evaluateGate({ wave: staging, previous: 'dev', target: '1.31.0', evidence, now });

describe('the gate between two waves', () => {
  it('waits while the previous wave has no PR for the target, or it is not merged', () => {
    expect(gate().kind).toBe('wait-merge');
    const open = { ...merged(1, []), state: 'open' as const, mergedAt: undefined, mergeCommitSha: undefined };
    expect(gate(open)).toMatchObject({ kind: 'wait-merge', pull: { number: 7 } });
    expect(
      gate({ ...open, state: 'closed' }).kind === 'wait-merge' && gate({ ...open, state: 'closed' }),
    ).toMatchObject({
      message: expect.stringMatching(/closed without merging/),
    });
  });

  it('waits for the soak and names the wave and its end in ISO 8601 UTC on one line', () => {
    const result = gate(merged(1, [{ name: 'e2e', state: 'success' }]));
    expect(result).toMatchObject({ kind: 'wait-soak', until: '2026-12-04T11:00:00Z' });
    expect(result.kind !== 'open' && result.message).toMatch(/^Wave staging .*until 2026-12-04T11:00:00Z\.$/);
    expect(result.kind !== 'open' && result.message).not.toContain('\n');
  });

  it('opens exactly when merged_at is soak ago', () => {
    expect(gate(merged(48, [{ name: 'e2e', state: 'success' }])).kind).toBe('open');
  });

  it('waits for a missing or pending check after the soak, naming wave and check', () => {
    const missing = gate(merged(72, [{ name: 'e2e', state: 'missing' }]));
    expect(missing).toMatchObject({ kind: 'wait-check', check: 'e2e' });
    expect(missing.kind !== 'open' && missing.message).toMatch(
      /^Wave staging waits for check e2e .*not reported yet/,
    );
    expect(gate(merged(72, [{ name: 'e2e', state: 'pending' }]))).toMatchObject({ kind: 'wait-check' });
  });

  it('is blocked by a failed check even during the soak', () => {
    expect(gate(merged(1, [{ name: 'e2e', state: 'failure' }]))).toMatchObject({
      kind: 'blocked',
      check: 'e2e',
    });
  });
});

describe('a check state from statuses and check runs', () => {
  const run = (name: string, conclusion: string | null, id: number, status = 'completed') => ({
    name,
    status,
    conclusion,
    id,
  });

  it('matches names exactly: e2e-smoke is not e2e', () => {
    expect(
      checkState('e2e', [{ context: 'e2e-smoke', state: 'success' }], [run('e2e-smoke', 'success', 1)]),
    ).toBe('missing');
  });

  it('reads the newest status per context and the newest check run', () => {
    const statuses = [
      { context: 'e2e', state: 'failure' },
      { context: 'e2e', state: 'success' },
    ];
    expect(checkState('e2e', statuses, [])).toBe('failure');
    expect(checkState('e2e', [], [run('e2e', 'failure', 1), run('e2e', 'success', 2)])).toBe('success');
    expect(checkState('e2e', [], [run('e2e', null, 3, 'in_progress')])).toBe('pending');
    expect(checkState('e2e', [{ context: 'e2e', state: 'pending' }], [])).toBe('pending');
    expect(checkState('e2e', [], [run('e2e', 'timed_out', 1)])).toBe('failure');
  });
});
