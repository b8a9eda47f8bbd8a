// `istio-autopilot get-istioctl` through the committed CLI bundle: its stdout is only its answer (so
// `$(istio-autopilot get-istioctl)` and --json work), and --offline never calls GitHub.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
  type ReleaseState,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { REPO_ROOT } from '../support/runner.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');

async function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

function tarball(content: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'stand-in-'));
  mkdirSync(join(dir, 'content'));
  writeFileSync(join(dir, 'content', 'istioctl'), content);
  execFileSync('tar', ['-C', join(dir, 'content'), '-czf', join(dir, 'a.tar.gz'), 'istioctl']);
  return readFileSync(join(dir, 'a.tar.gz'));
}

describe('istio-autopilot get-istioctl', () => {
  let emulator: GitHubEmulator;
  let state: ReleaseState;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await new GitHubEmulator().start();
    state = createReleaseState({
      releases: buildIstioReleaseHistory({ lastMinor: 30, lastPatch: { 30: 4 } }),
    });
    registerReleaseRoutes(emulator, state);
    addReleaseAsset(state, '1.30.4', 'istioctl-1.30.4-linux-amd64.tar.gz', tarball('v1.30.4'));
    const home = mkdtempSync(join(tmpdir(), 'cli-home-'));
    env = { HOME: home, ISTIO_AUTOPILOT_CACHE: join(home, 'cache'), GITHUB_API_URL: emulator.url };
  });

  afterAll(async () => {
    expect(emulator.schemaViolations).toEqual([]);
    await emulator.stop();
  });

  const platform = ['--os', 'linux', '--arch', 'amd64'];

  it('prints only the path on stdout, even while downloading and extracting', async () => {
    const run = await cli(
      [
        'get-istioctl',
        '--version',
        '1.30.x',
        ...platform,
        '--download-base-url',
        downloadBaseUrl(emulator, state),
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\/\S+\/istioctl\n$/);
    expect(run.stdout).not.toContain('::debug::');
    expect(readFileSync(run.stdout.trim(), 'utf8')).toBe('v1.30.4');
  });

  it('with --offline resolves over the cache, asks GitHub nothing, and --json stays parseable', async () => {
    emulator.clearLog();
    const run = await cli(['get-istioctl', '--version', '1.30.x', ...platform, '--offline', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.requests).toEqual([]);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: '1.30.4', cacheHit: true });
  });

  it('with --offline fails clearly for a version that is not cached, still asking GitHub nothing', async () => {
    emulator.clearLog();
    const run = await cli(['get-istioctl', '--version', '1.29.0', ...platform, '--offline'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/not in the tool cache, and offline runs do not download from GitHub/);
    expect(emulator.requests).toEqual([]);
  });
});
