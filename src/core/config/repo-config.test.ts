import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutopilotError } from '../errors.js';
import { parseRepoConfig } from './repo-config.js';

const example = join(
  new URL('../../..', import.meta.url).pathname,
  'examples/gitops-flux/.github/istio-autopilot.yaml',
);

function errorOf(text: string): AutopilotError {
  try {
    parseRepoConfig(text);
  } catch (error) {
    return error as AutopilotError;
  }
  throw new Error('expected an error');
}

describe('repo config', () => {
  it('reads the Flux example', () => {
    const config = parseRepoConfig(readFileSync(example, 'utf8'));
    expect(config.policy).toBe('latest');
    expect(config.strategy).toBe('in-place');
    expect(config.dataPlane.paths).toEqual(['apps/**/*.yaml']);
    expect(config.dataPlane.kubernetesVersion).toBe('1.33');
    expect(config.pullRequest.autoMerge).toBe('squash');
    expect(config.pullRequest.labels).toEqual(['istio-upgrade']);
  });

  it('treats an empty file as all defaults', () => {
    expect(parseRepoConfig('').strategy).toBeUndefined();
  });

  it('names the setting, file and line of a bad choice', () => {
    const error = errorOf('policy: latest\nstrategy: blue-green\n');
    expect(error.describe()).toContain('.github/istio-autopilot.yaml:2');
    expect(error.message).toContain("'strategy' is 'blue-green'");
    expect(error.hint).toContain('in-place, canary');
  });

  it('rejects a malformed policy range', () => {
    const error = errorOf('policy: ">=1.2x <"\n');
    expect(error.message).toContain("'policy'");
    expect(error.line).toBe(1);
  });

  it('rejects unknown settings instead of ignoring them', () => {
    const error = errorOf('data-plane:\n  pathz: [apps]\n');
    expect(error.message).toContain("'data-plane.pathz' is not a known setting");
    expect(error.line).toBe(2);
  });

  it('rejects wrong types with the nested name', () => {
    expect(errorOf('pull-request:\n  draft: sometimes\n').message).toContain(
      "'pull-request.draft' must be true or false",
    );
    expect(errorOf('control-plane:\n  paths: {a: 1}\n').message).toContain('must be a list of strings');
  });

  it('reports broken YAML with its line', () => {
    const error = errorOf('policy: latest\ndata-plane:\n  paths: [apps\n');
    expect(error.message).toContain('not valid YAML');
    expect(error.line).toBeGreaterThanOrEqual(3);
  });
});
