import { describe, expect, it } from 'vitest';
import { autoMergeDecision } from './auto-merge.js';

describe('auto-merge-when', () => {
  it('lets a patch upgrade merge under patch, and refuses a minor', () => {
    expect(autoMergeDecision('patch', { from: '1.24.1', to: '1.24.3' }).allowed).toBe(true);
    expect(autoMergeDecision('patch', { from: '1.24.3', to: '1.25.0' })).toEqual({
      allowed: false,
      reason: '1.24.3 to 1.25.0 is not a patch upgrade',
    });
  });

  it('allows one minor under minor but not two', () => {
    expect(autoMergeDecision('minor', { from: '1.24.3', to: '1.25.0' }).allowed).toBe(true);
    expect(autoMergeDecision('minor', { from: '1.24.3', to: '1.26.0' }).allowed).toBe(false);
  });

  it('never merges a prerelease or unknown versions by version rule', () => {
    expect(autoMergeDecision('minor', { from: '1.24.3', to: '1.25.0-rc.0' }).allowed).toBe(false);
    expect(autoMergeDecision('patch', {}).reason).toMatch(/unknown/);
  });

  it('follows the policy verdict under in-policy, and always under always', () => {
    expect(autoMergeDecision('in-policy', { inPolicy: false }).allowed).toBe(false);
    expect(autoMergeDecision('in-policy', { inPolicy: true }).allowed).toBe(true);
    expect(autoMergeDecision('always', { from: '1.20.0', to: '1.29.0' }).allowed).toBe(true);
  });
});
