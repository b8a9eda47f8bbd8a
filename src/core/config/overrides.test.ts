import { describe, expect, it } from 'vitest';
import { AutopilotError } from '../errors.js';
import { overrideRepoConfig } from './overrides.js';
import { parseRepoConfig } from './repo-config.js';

const config = parseRepoConfig(
  'policy: patch\nstrategy: canary\ndata-plane:\n  paths: [apps/**]\npull-request:\n  labels: [istio]\n  auto-merge: squash\n',
);

describe('overrideRepoConfig', () => {
  it('keeps the config where no input is given', () => {
    expect(overrideRepoConfig(config, { labels: [], base: '' })).toEqual(config);
  });

  it('lets inputs win', () => {
    const result = overrideRepoConfig(config, {
      'version-policy': '~1.31',
      strategy: 'in-place',
      'data-plane-paths': ['workloads/**'],
      labels: ['mesh'],
      'auto-merge': 'none',
      'sign-commits': false,
    });
    expect(result.policy).toBe('~1.31');
    expect(result.strategy).toBe('in-place');
    expect(result.dataPlane.paths).toEqual(['workloads/**']);
    expect(result.pullRequest).toMatchObject({ labels: ['mesh'], autoMerge: 'none', signCommits: false });
  });

  it('names the input of a bad value', () => {
    const error = (() => {
      try {
        overrideRepoConfig(config, { 'inject-output': 'sideways' });
      } catch (e) {
        return e as AutopilotError;
      }
    })();
    expect(error?.input).toBe('inject-output');
    expect(error?.message).toContain('in-place, render-dir, patches');
    expect(() => overrideRepoConfig(config, { 'version-policy': '>=1.x <' })).toThrow(/version-policy|valid/);
  });
});
