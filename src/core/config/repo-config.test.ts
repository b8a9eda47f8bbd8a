import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AutopilotError } from '../errors.js';
import { loadRepoConfig, parseRepoConfig } from './repo-config.js';

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

describe('loadRepoConfig', () => {
  const repo = () => mkdtempSync(join(tmpdir(), 'repo-config-'));

  it('uses the defaults when the default file is absent', () => {
    expect(loadRepoConfig(repo()).source).toBeUndefined();
  });

  it('fails, naming the input, when a config file named explicitly is missing', () => {
    expect(() => loadRepoConfig(repo(), '.github/istio-autopilot.yml')).toThrow(
      expect.objectContaining({
        input: 'config-file',
        message: 'the config file .github/istio-autopilot.yml does not exist',
      }),
    );
    expect(() => loadRepoConfig(repo(), 'typo.yaml', 'config')).toThrow(
      expect.objectContaining({ input: 'config' }),
    );
  });

  it('reads an explicit file that exists', () => {
    const dir = repo();
    writeFileSync(join(dir, 'autopilot.yaml'), 'policy: patch\n');
    expect(loadRepoConfig(dir, 'autopilot.yaml').policy).toBe('patch');
  });

  it('refuses a config file outside the workspace, by .. or by a link', () => {
    const dir = repo();
    const outside = repo();
    writeFileSync(join(outside, 'c.yaml'), 'policy: latest\n');
    mkdirSync(join(dir, '.github'));
    symlinkSync(join(outside, 'c.yaml'), join(dir, '.github/istio-autopilot.yaml'));
    expect(() => loadRepoConfig(dir)).toThrow(/leads outside the workspace/);
    expect(() => loadRepoConfig(dir, `../${basename(outside)}/c.yaml`)).toThrow(
      /leads outside the workspace/,
    );
  });
});
