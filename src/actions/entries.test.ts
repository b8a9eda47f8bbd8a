// The action entries' run(), called in-process with @actions/core's reporting stubbed: inputs come
// from INPUT_* variables as on a runner, outputs and failures are recorded instead of written.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
} from '../../test/support/github-emulator/releases.js';
import { GitHubEmulator } from '../../test/support/github-emulator/server.js';

const reported = vi.hoisted(() => ({ outputs: new Map<string, string>(), failures: [] as string[] }));
vi.mock('@actions/core', async (original) => ({
  ...(await original<typeof import('@actions/core')>()),
  setOutput: (name: string, value: unknown) => void reported.outputs.set(name, String(value)),
  setFailed: (message: string) => void reported.failures.push(message),
  info: () => undefined,
  notice: () => undefined,
  warning: () => undefined,
  debug: () => undefined,
}));

const { run: bump } = await import('./bump-istio-version.js');
const { run: check } = await import('./check-istio-release.js');
const { run: analyze } = await import('./analyze-manifests.js');
const { run: getIstioctl } = await import('./get-istioctl.js');
const { run: openUpgradePr } = await import('./open-upgrade-pr.js');
const { run: kubeInject } = await import('./kube-inject-manifests.js');
const { run: pipeline } = await import('./pipeline.js');

let emulator: GitHubEmulator;
const inputs = (values: Record<string, string>) => {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
};

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  registerReleaseRoutes(
    emulator,
    createReleaseState({ releases: buildIstioReleaseHistory({ lastMinor: 30, lastPatch: { 30: 4 } }) }),
  );
  reported.outputs.clear();
  reported.failures.length = 0;
  vi.stubEnv('GITHUB_STEP_SUMMARY', '');
  inputs({ 'github-api-url': emulator.url, 'github-token': '' });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

describe('action entries run()', () => {
  it('kube-inject-manifests fails on an output mode outside its choices, naming the input, before any work', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', mkdtempSync(join(tmpdir(), 'inject-entry-')));
    inputs({ output: 'sideways', 'native-sidecars': 'keep' });
    await kubeInject();
    expect(reported.failures).toEqual([
      "input 'output': 'sideways' is not an output mode\nUse in-place, render-dir, patches.",
    ]);
    expect(reported.outputs.size).toBe(0);
    expect(emulator.requests).toEqual([]);
  });

  it('the pipeline fails on a strategy or a boolean outside its choices, naming the input, before any request', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', mkdtempSync(join(tmpdir(), 'pipeline-entry-')));
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/mesh');
    inputs({ 'dry-run': 'true', strategy: 'blue-green' });
    await pipeline();
    inputs({ strategy: '', 'sign-commits': 'maybe' });
    await pipeline();
    expect(reported.failures).toEqual([
      "input 'strategy': 'blue-green' is not one of in-place, canary\nUse in-place, canary.",
      "input 'sign-commits': 'maybe' is not a boolean\nUse true or false.",
    ]);
    expect(emulator.requests).toEqual([]);
  });

  it('bump-istio-version rewrites the pin checked against the live release list and sets its outputs', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'bump-entry-'));
    writeFileSync(join(workspace, '.istio-version'), '# pinned\n1.30.3\n');
    vi.stubEnv('GITHUB_WORKSPACE', workspace);
    inputs({ version: '1.30.4' });
    await bump();
    expect(reported.failures).toEqual([]);
    expect(readFileSync(join(workspace, '.istio-version'), 'utf8')).toBe('# pinned\n1.30.4\n');
    expect(JSON.parse(reported.outputs.get('changed-files')!)).toEqual(['.istio-version']);
    expect(reported.outputs.get('previous-versions')).toBe('["1.30.3"]');
  });

  it('bump-istio-version fails on a role outside its choices, naming the input, before any request', async () => {
    inputs({ version: '1.30.4', role: 'proxies' });
    await bump();
    expect(reported.failures).toEqual([
      "input 'role': 'proxies' is not one of control-plane, data-plane, all\nUse control-plane, data-plane, all.",
    ]);
    expect(emulator.requests).toEqual([]);
  });

  it('check-istio-release fails on a strategy outside its choices, naming the input', async () => {
    inputs({ 'current-version': '1.30.3', strategy: 'foo' });
    await check();
    expect(reported.failures[0]).toMatch(/^input 'strategy': 'foo' is not one of in-place, canary/);
    expect(reported.outputs.size).toBe(0);
  });

  it('analyze-manifests, get-istioctl and open-upgrade-pr refuse a bad value by its input, asking nothing', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', mkdtempSync(join(tmpdir(), 'entry-')));
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/mesh');
    inputs({ 'failure-threshold': 'Critical', 'include-prereleases': 'maybe', 'auto-merge': 'fast' });
    inputs({ 'github-token': 'a-token' });
    await analyze();
    await getIstioctl();
    await openUpgradePr();
    expect(reported.failures.map((f) => f.split('\n')[0])).toEqual([
      "input 'failure-threshold': 'Critical' is not an analysis level",
      "input 'include-prereleases': 'maybe' is not a boolean",
      "input 'auto-merge': 'fast' is not one of none, merge, squash, rebase",
    ]);
    expect(emulator.requests).toEqual([]);
  });

  it('check-istio-release answers for a version and sets its outputs', async () => {
    inputs({ 'current-version': '1.30.3' });
    await check();
    expect(reported.failures).toEqual([]);
    expect(reported.outputs.get('current-version')).toBe('1.30.3');
    expect(reported.outputs.get('latest-version')).toBe('1.30.4');
    expect(reported.outputs.get('update-available')).toBe('true');
  });
});
