// get-istioctl end to end: the committed bundle, run as a runner runs it, against the GitHub emulator
// serving the real istioctl release assets that scripts/build-istioctl.sh builds.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { realIstioctlPair } from '../support/istioctl.js';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
  sha256Hex,
  type ReleaseState,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { REPO_ROOT, runAction, type ActionRun, type RunActionOptions } from '../support/runner.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
const scratchDirs: string[] = [];
const VERSION_FILE_FIXTURES = join(REPO_ROOT, 'src/core/pins/__fixtures__/version-spec-file');

afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A tool cache the test owns, so a second run can hit it. */
function newToolCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-tool-cache-'));
  scratchDirs.push(dir);
  return dir;
}

async function run(
  emulator: GitHubEmulator,
  state: ReleaseState,
  options: RunActionOptions,
): Promise<ActionRun> {
  const result = await runAction('get-istioctl', {
    ...options,
    toolCache: options.toolCache ?? newToolCache(),
    inputs: {
      'github-api-url': emulator.url,
      'download-base-url': downloadBaseUrl(emulator, state),
      ...options.inputs,
    },
  });
  scratchDirs.push(result.runnerTemp.replace(/[/\\]temp$/, ''));
  return result;
}

/** The ::error:: a failed step printed, decoded. */
function failure(result: ActionRun): string {
  const error = result.commands.find((c) => c.command === 'error');
  return (error?.message ?? '').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function installedVersions(toolCache: string): string[] {
  const root = join(toolCache, 'istioctl');
  return existsSync(root) ? readdirSync(root) : [];
}

function clientVersion(binary: string): string {
  return execFileSync(binary, ['version', '--remote=false', '--short'], { encoding: 'utf8' })
    .trim()
    .replace(/^client version: /, '');
}

describe.skipIf(skip)('get-istioctl (real istioctl)', () => {
  const real = 'skip' in pair ? undefined : pair;
  let emulator: GitHubEmulator;
  let state: ReleaseState;

  beforeEach(async () => {
    emulator = await new GitHubEmulator().start();
    // A history whose newest GA release is the real 1.31.0 and whose 1.30 line ended at the real 1.30.4;
    // drafts (1.32.0, 1.31.1) sit above both.
    state = createReleaseState({ releases: buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 0 } }) });
    registerReleaseRoutes(emulator, state);
    for (const artifact of [real!.old, real!.new]) {
      addReleaseAsset(state, artifact.version, artifact.assetName, readFileSync(artifact.asset));
    }
  });

  afterEach(async () => {
    expect(emulator.schemaViolations).toEqual([]);
    await emulator.stop();
  });

  it('installs the newest release fresh, puts it on PATH, and the binary runs', async () => {
    const result = await run(emulator, state, { inputs: { version: 'latest' } });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({ version: '1.31.0', 'cache-hit': 'false' });
    const binary = result.outputs['istioctl']!;
    expect(binary).toBe(join(result.toolCache, 'istioctl', '1.31.0', 'linux-amd64', 'istioctl'));
    expect(result.path).toEqual([dirname(binary)]);
    expect(clientVersion(binary)).toBe('1.31.0');
    expect(result.summary).toContain(sha256Hex(readFileSync(real!.new.asset)));
    // It listed releases and fetched the archive and its .sha256.
    const paths = emulator.requests.map((r) => r.path);
    expect(paths.some((p) => p.startsWith('/repos/istio/istio/releases?'))).toBe(true);
    expect(paths).toContain(`/download/1.31.0/${real!.new.assetName}`);
    expect(paths).toContain(`/download/1.31.0/${real!.new.assetName}.sha256`);
  });

  it('hits the cache on a second run with zero requests for an exact version', async () => {
    const toolCache = newToolCache();
    const first = await run(emulator, state, { toolCache, inputs: { version: '1.31.0' } });
    expect(first.exitCode, first.stdout).toBe(0);
    emulator.clearLog();

    const second = await run(emulator, state, { toolCache, inputs: { version: '1.31.0' } });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs).toMatchObject({
      version: '1.31.0',
      'cache-hit': 'true',
      istioctl: first.outputs['istioctl'],
    });
    expect(second.path).toEqual(first.path);
    expect(emulator.requests).toEqual([]);
  });

  it('asks conditionally for a range on a repeated run: all 304s, then a cache hit', async () => {
    const toolCache = newToolCache();
    expect((await run(emulator, state, { toolCache, inputs: { version: '1.31.x' } })).exitCode).toBe(0);
    emulator.clearLog();
    const second = await run(emulator, state, { toolCache, inputs: { version: '1.31.x' } });
    expect(second.outputs['cache-hit']).toBe('true');
    expect(emulator.requests.length).toBeGreaterThan(0);
    expect(emulator.requests.every((r) => r.status === 304)).toBe(true);
  });

  it('fails on a checksum mismatch, naming both hashes, and caches nothing', async () => {
    const bogus = 'e'.repeat(64);
    state.checksumFiles.set(`1.30.4/${real!.old.assetName}`, `${bogus}  ${real!.old.assetName}\n`);
    const result = await run(emulator, state, { inputs: { version: '1.30.4' } });
    expect(result.exitCode).not.toBe(0);
    const message = failure(result);
    expect(message.split('\n')[0]).toBe(
      `SHA-256 of ${real!.old.assetName} does not match the published checksum`,
    );
    expect(message).toContain(bogus);
    expect(message).toContain(sha256Hex(readFileSync(real!.old.asset)));
    expect(installedVersions(result.toolCache)).toEqual([]);
    expect(result.path).toEqual([]);
    expect(result.outputs).toEqual({});
  });

  it('fails when the pinned checksum differs, naming the checksum input', async () => {
    const result = await run(emulator, state, {
      inputs: { version: '1.30.4', checksum: `sha256:${'0'.repeat(64)}` },
    });
    expect(result.exitCode).not.toBe(0);
    expect(failure(result)).toMatch(/^input 'checksum': SHA-256 of .* does not match the pinned checksum/);
    expect(installedVersions(result.toolCache)).toEqual([]);
  });

  it('installs when the pinned checksum matches', async () => {
    const pinned = sha256Hex(readFileSync(real!.old.asset));
    const result = await run(emulator, state, { inputs: { version: '1.30.4', checksum: pinned } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(clientVersion(result.outputs['istioctl']!)).toBe('1.30.4');
  });

  it('says the version is not published for a platform Istio did not build', async () => {
    const result = await run(emulator, state, { inputs: { version: '1.31.0', arch: 'arm64' } });
    expect(result.exitCode).not.toBe(0);
    expect(failure(result).split('\n')[0]).toBe('istioctl 1.31.0 is not published for linux/arm64');
    expect(emulator.requests.map((r) => r.status)).toEqual([404]);
    expect(installedVersions(result.toolCache)).toEqual([]);
  });

  it('retries a 5xx and a dropped connection on the download, then installs', async () => {
    emulator.injectFault(`/release-assets/1.30.4/${real!.old.assetName}`, { kind: 'status', status: 502 });
    emulator.injectFault(/\/release-assets\/1\.30\.4\/[^/]+\.tar\.gz$/, { kind: 'drop' });
    const result = await run(emulator, state, { inputs: { version: '1.30.4' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(emulator.requests.filter((r) => r.fault).map((r) => r.fault)).toEqual(['status', 'drop']);
    expect(result.stdout).toMatch(/HTTP 502\); retrying/);
    expect(clientVersion(result.outputs['istioctl']!)).toBe('1.30.4');
  });

  it('tells an anonymous user who is rate limited to pass github-token', async () => {
    emulator.rateLimitRemainingOverride = 0;
    const result = await run(emulator, state, { inputs: { version: 'latest' } });
    expect(result.exitCode).not.toBe(0);
    const message = failure(result);
    expect(message.split('\n')[0]).toMatch(
      /^input 'github-token': GitHub API rate limit exceeded while listing the releases/,
    );
    expect(message).toContain('Pass a token: `github-token: ${{ secrets.GITHUB_TOKEN }}`');
    expect(emulator.requests.every((r) => !r.authorized)).toBe(true);
  });

  it('reads the version from a version-file', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'e2e-workspace-'));
    scratchDirs.push(workspace);
    writeFileSync(join(workspace, '.istio-version'), '# pinned by Istio Autopilot\n1.30.4\n');
    const result = await run(emulator, state, {
      cwd: workspace,
      inputs: { 'version-file': '.istio-version' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs['version']).toBe('1.30.4');
    expect(clientVersion(result.outputs['istioctl']!)).toBe('1.30.4');
    // An exact pin needs no listing.
    expect(emulator.requests.some((r) => r.path.includes('/repos/'))).toBe(false);
  });

  it('reads the version-file through the mesh model: a HelmRelease whose ${version} Flux substitutes from a ConfigMap', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'e2e-workspace-'));
    scratchDirs.push(workspace);
    cpSync(join(REPO_ROOT, 'test/fixtures/mesh/talk'), workspace, { recursive: true });
    const pin = join(workspace, 'clusters/production/istio-version.yaml');
    writeFileSync(pin, readFileSync(pin, 'utf8').replace('version: 1.19.3', 'version: 1.30.4'));
    const result = await run(emulator, state, {
      cwd: workspace,
      inputs: { 'version-file': 'infrastructure/istio/istiod.yaml' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs['version']).toBe('1.30.4');
    expect(clientVersion(result.outputs['istioctl']!)).toBe('1.30.4');
  });

  it('reads the version-file from a Sail Istio and a HelmRelease with a literal version', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'e2e-workspace-'));
    scratchDirs.push(workspace);
    cpSync(join(VERSION_FILE_FIXTURES, 'sail-and-helmrelease.yaml'), join(workspace, 'mesh.yaml'));
    const result = await run(emulator, state, { cwd: workspace, inputs: { 'version-file': 'mesh.yaml' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs['version']).toBe('1.31.0');
    expect(clientVersion(result.outputs['istioctl']!)).toBe('1.31.0');
  });

  it('fails with file:line when the version-file is broken YAML, before any request', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'e2e-workspace-'));
    scratchDirs.push(workspace);
    writeFileSync(join(workspace, 'mesh.yaml'), 'kind: HelmRelease\nspec:\n  chart: [istiod\n  x: 1\n');
    const result = await run(emulator, state, { cwd: workspace, inputs: { 'version-file': 'mesh.yaml' } });
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(/^mesh\.yaml:\d+: broken YAML/);
    expect(emulator.requests).toEqual([]);
  });

  it('resolves a range whose newest match sits on page 3 of the listing', async () => {
    // Years on: sixteen newer minors push 1.30.4 past the first 200 releases.
    state.releases = buildIstioReleaseHistory({ lastMinor: 46, lastPatch: { 30: 4 } });
    const result = await run(emulator, state, { inputs: { version: '~1.30.0' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs['version']).toBe('1.30.4');
    expect(emulator.requests.some((r) => r.path.includes('page=3'))).toBe(true);
    expect(clientVersion(result.outputs['istioctl']!)).toBe('1.30.4');
  });

  it('names the input for an invalid range, before any request', async () => {
    const result = await run(emulator, state, { inputs: { version: '1.3o.x' } });
    expect(result.exitCode).not.toBe(0);
    expect(failure(result).split('\n')[0]).toBe("input 'version': '1.3o.x' is not a valid version or range");
    expect(emulator.requests).toEqual([]);
  });
});

describe('get-istioctl (Windows zip, stand-in binary)', () => {
  let emulator: GitHubEmulator;
  let state: ReleaseState;
  let zip: Buffer;

  beforeAll(() => {
    // A small stand-in istioctl.exe in a zip, as Istio publishes for Windows.
    const dir = mkdtempSync(join(tmpdir(), 'win-zip-'));
    scratchDirs.push(dir);
    mkdirSync(join(dir, 'content'));
    writeFileSync(join(dir, 'content', 'istioctl.exe'), 'stand-in istioctl.exe for 1.24.2\n');
    execFileSync('zip', ['-q', '-j', join(dir, 'istioctl.zip'), join(dir, 'content', 'istioctl.exe')]);
    zip = readFileSync(join(dir, 'istioctl.zip'));
  });

  beforeEach(async () => {
    emulator = await new GitHubEmulator().start();
    state = createReleaseState({
      releases: buildIstioReleaseHistory({ lastMinor: 24, lastPatch: { 24: 2 } }),
    });
    registerReleaseRoutes(emulator, state);
    addReleaseAsset(state, '1.24.2', 'istioctl-1.24.2-win-amd64.zip', zip);
  });

  afterEach(async () => {
    expect(emulator.schemaViolations).toEqual([]);
    await emulator.stop();
  });

  it.each<[string, RunActionOptions]>([
    ['an explicit os input on a Linux runner', { inputs: { os: 'windows' } }],
    ['a Windows runner', { runnerOs: 'Windows' }],
  ])('extracts istioctl.exe from the zip for %s', async (_name, options) => {
    const result = await run(emulator, state, {
      ...options,
      inputs: { version: '1.24.2', ...options.inputs },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const binary = result.outputs['istioctl']!;
    expect(binary).toBe(join(result.toolCache, 'istioctl', '1.24.2', 'win-amd64', 'istioctl.exe'));
    expect(readFileSync(binary, 'utf8')).toBe('stand-in istioctl.exe for 1.24.2\n');
    expect(result.path).toEqual([dirname(binary)]);
    expect(emulator.requests.map((r) => r.path)).toContain(
      '/download/1.24.2/istioctl-1.24.2-win-amd64.zip.sha256',
    );
  });

  it('falls back to the arch-less win.zip name when the arch-suffixed one is missing', async () => {
    state.assets.delete('1.24.2/istioctl-1.24.2-win-amd64.zip');
    addReleaseAsset(state, '1.24.2', 'istioctl-1.24.2-win.zip', zip);
    const result = await run(emulator, state, { inputs: { version: '1.24.2', os: 'windows' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('/download/1.24.2/istioctl-1.24.2-win.zip');
  });
});
