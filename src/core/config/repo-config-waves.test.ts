import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutopilotError } from '../errors.js';
import { parseDuration } from '../rollout/waves/wave-config.js';
import { parseRepoConfig } from './repo-config.js';

const fleet = join(
  new URL('../../..', import.meta.url).pathname,
  'test/fixtures/fleet-waves/.github/istio-autopilot.yaml',
);

function errorOf(text: string): AutopilotError {
  try {
    parseRepoConfig(text);
  } catch (error) {
    return error as AutopilotError;
  }
  throw new Error('expected an error');
}

describe('repo config: waves and dashboard', () => {
  it('reads three waves with their soak and required checks, and the dashboard switch', () => {
    const config = parseRepoConfig(readFileSync(fleet, 'utf8'));
    expect(config.waves?.map((w) => [w.name, w.paths, w.soakMs, w.requireChecks, w.line])).toEqual([
      ['dev', ['clusters/dev/**'], 0, [], 8],
      ['staging', ['clusters/staging/**'], 2 * 86_400_000, ['e2e'], 10],
      ['prod', ['clusters/prod/**'], 36 * 3_600_000, [], 14],
    ]);
    expect(config.dashboard).toBe(true);
  });

  it('leaves waves unset without the setting (today behaviour)', () => {
    const config = parseRepoConfig('policy: latest\n');
    expect(config.waves).toBeUndefined();
    expect(config.dashboard).toBeUndefined();
  });

  it('reads durations like 36h, 2d, 1d12h, 90m and 1w, and refuses others', () => {
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['2 days', '36', 'h', '1.5d', '-1d']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('names the wave, file and line of a bad soak', () => {
    const error = errorOf(
      'waves:\n  - name: dev\n    paths: [a/**]\n  - name: prod\n    paths: [b/**]\n    soak: 2 days\n',
    );
    expect(error.message).toMatch(/'waves\[1\]\.soak' is '2 days', not a duration/);
    expect(error.line).toBe(6);
  });

  it('rejects an unknown key inside a wave with its line', () => {
    const error = errorOf('waves:\n  - name: dev\n    paths: [a/**]\n    requires-checks: [e2e]\n');
    expect(error.message).toMatch(/'waves\[0\]\.requires-checks' is not a known setting/);
    expect(error.line).toBe(4);
  });

  it('rejects a wave without paths, a repeated name, and waves that are not a list', () => {
    expect(errorOf('waves:\n  - name: dev\n').message).toMatch(/'waves\[0\]\.paths' must list/);
    expect(errorOf('waves:\n  - name: dev\n    paths: [a]\n  - name: dev\n    paths: [b]\n').message).toMatch(
      /repeats the wave name 'dev'/,
    );
    expect(errorOf('waves: dev\n').message).toMatch(/'waves' must be a list of waves/);
    expect(errorOf('dashboard: yes please\n').message).toMatch(/'dashboard' must be true or false/);
  });
});
