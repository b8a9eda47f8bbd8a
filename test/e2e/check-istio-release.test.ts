// check-istio-release end to end: the committed bundle, run as a runner runs it, against the GitHub
// emulator (release feed and global advisories) and the bundled dataset.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdvisoryState, registerAdvisoryRoutes } from '../support/github-emulator/advisories.js';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { REPO_ROOT, runAction, type ActionRun, type RunActionOptions } from '../support/runner.js';

const scratchDirs: string[] = [];
const datasetReleases = JSON.parse(readFileSync(join(REPO_ROOT, 'data/istio-releases.json'), 'utf8')) as {
  releases: { version: string; prerelease?: boolean }[];
};
/** The newest GA release in the bundled dataset (releases are sorted oldest first). */
const datasetLatest = datasetReleases.releases.filter((r) => !r.prerelease).at(-1)!.version;
let emulator: GitHubEmulator;

afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  // A history of 1.0 to 1.31 with ten patches each: the newest GA is 1.31.10.
  registerReleaseRoutes(emulator, createReleaseState({ releases: buildIstioReleaseHistory() }));
  registerAdvisoryRoutes(emulator, createAdvisoryState());
});

afterEach(async () => {
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

function check(inputs: Record<string, string>, options: RunActionOptions = {}): Promise<ActionRun> {
  return runAction('check-istio-release', {
    ...options,
    inputs: { 'github-api-url': emulator.url, 'github-token': 'test-token', ...inputs },
  });
}

const json = (text: string | undefined) => JSON.parse(text ?? 'null') as unknown;
const warnings = (run: ActionRun) =>
  run.commands.filter((c) => c.command === 'warning').map((c) => c.message);
const errors = (run: ActionRun) => run.commands.filter((c) => c.command === 'error').map((c) => c.message);

describe('check-istio-release', () => {
  it('answers every output for an old, vulnerable, end-of-life version', async () => {
    const run = await check({ 'current-version': '1.13.2', 'kubernetes-version': 'v1.22.4' });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const o = run.outputs;
    expect(o['current-version']).toBe('1.13.2');
    expect(o['latest-version']).toBe('1.31.10');
    expect(o['target-version']).toBe('1.13.10');
    expect(o['update-available']).toBe('true');
    expect(o['update-type']).toBe('patch');
    const path = json(o['upgrade-path']) as string[];
    expect(path[0]).toBe('1.13.10');
    expect(path.slice(1)).toEqual(Array.from({ length: 18 }, (_, i) => `1.${14 + i}.10`));
    expect(o['vulnerable']).toBe('true');
    const advisories = json(o['advisories']) as { id: string; 'fixed-in': string | null; url: string }[];
    expect(advisories.find((a) => a.id === 'ISTIO-SECURITY-2022-005')).toMatchObject({
      'fixed-in': '1.13.5',
      url: 'https://istio.io/latest/news/security/istio-security-2022-005/',
    });
    expect(Object.keys(advisories[0]!).sort()).toEqual(['cves', 'fixed-in', 'id', 'severity', 'url']);
    // The target 1.13.10 fixes what 1.13.x got fixes for, and not the later bulletins.
    const fixed = json(o['fixed-advisories']) as string[];
    expect(fixed).toEqual(expect.arrayContaining(['ISTIO-SECURITY-2022-005', 'ISTIO-SECURITY-2022-007']));
    expect(fixed).not.toContain('ISTIO-SECURITY-2026-006');
    expect(o['eol']).toBe('true');
    expect(o['eol-date']).toBe('2022-10-12');
    expect(o['kubernetes-supported']).toBe('true');
    expect(warnings(run)).toEqual([]);
    // GitHub's advisories were asked for the way Istio's are filed.
    const advisoryRequest = emulator.requests.find((r) => r.path.startsWith('/advisories'))!;
    expect(advisoryRequest.path).toMatch(/ecosystem=go/);
    expect(advisoryRequest.path).toMatch(/affects=istio\.io%2Fistio/);
  });

  it('writes a summary: versions and path, advisories with links, then end-of-life', async () => {
    const run = await check({ 'current-version': '1.13.2' });
    const s = run.summary;
    expect(s).toContain('| current | target | latest | path |');
    expect(s).toMatch(
      /\| 1\.13\.2 \| 1\.13\.10 \(patch\) \| 1\.31\.10 \| 1\.13\.2 → 1\.13\.10 → 1\.14\.10 → /,
    );
    expect(s).toContain(
      '[ISTIO-SECURITY-2022-005](https://istio.io/latest/news/security/istio-security-2022-005/)',
    );
    expect(s).toContain('**1.13.2 is end-of-life** since 2022-10-12.');
    expect(s.indexOf('| current |')).toBeLessThan(s.indexOf('### Security advisories'));
    expect(s.indexOf('### Security advisories')).toBeLessThan(s.indexOf('### Support'));
    expect(Buffer.byteLength(s)).toBeLessThan(1024 * 1024);
  });

  it('merges an advisory only GitHub has, and says which the target fixes', async () => {
    const run = await check({ 'current-version': '1.31.1' });
    expect(run.exitCode).toBe(0);
    const advisories = json(run.outputs['advisories']) as { id: string; url: string; 'fixed-in': string }[];
    expect(advisories).toContainEqual({
      id: 'GHSA-7q2w-9mpf-3c4h',
      cves: ['CVE-2026-80001'],
      severity: 'critical',
      'fixed-in': '1.31.3',
      url: 'https://github.com/advisories/GHSA-7q2w-9mpf-3c4h',
    });
    // Pseudo-version ranges (GHSA-fgw5-hp8f-xfhc) and other packages never match a release.
    expect(advisories.map((a) => a.id)).not.toContain('GHSA-fgw5-hp8f-xfhc');
    expect(advisories.map((a) => a.id)).not.toContain('GHSA-9f8e-7d6c-5b4a');
    expect(json(run.outputs['fixed-advisories'])).toContain('GHSA-7q2w-9mpf-3c4h');
    expect(run.outputs['eol']).toBe('false');
  });

  it('plans canary hops of two minors and stays on the minor with the patch policy', async () => {
    const canary = await check({ 'current-version': '1.27.3', strategy: 'canary' });
    expect(json(canary.outputs['upgrade-path'])).toEqual(['1.27.10', '1.29.10', '1.31.10']);
    const patch = await check({ 'current-version': '1.27.3', 'version-policy': 'patch' });
    expect(json(patch.outputs['upgrade-path'])).toEqual(['1.27.10']);
    expect(patch.outputs['latest-version']).toBe('1.31.10');
  });

  it('reads the current version from a version file or a Sail Istio resource', async () => {
    const workspace = scratch('e2e-workspace-');
    writeFileSync(join(workspace, '.istio-version'), '# pinned by the platform team\n1.29.4\n');
    mkdirSync(join(workspace, 'mesh'));
    writeFileSync(
      join(workspace, 'mesh/istio.yaml'),
      'apiVersion: sailoperator.io/v1\nkind: Istio\nmetadata:\n  name: default\nspec:\n  version: v1.28.2\n',
    );
    const plain = await check({ 'version-file': '.istio-version' }, { cwd: workspace });
    expect(plain.outputs['current-version']).toBe('1.29.4');
    const sail = await check({ 'version-file': 'mesh/istio.yaml' }, { cwd: workspace });
    expect(sail.outputs['current-version']).toBe('1.28.2');
    expect(sail.outputs['target-version']).toBe('1.28.10');
  });

  it('scans paths for pins and checks the proxies against the control plane', async () => {
    const workspace = scratch('e2e-workspace-');
    mkdirSync(join(workspace, 'mesh'));
    mkdirSync(join(workspace, 'apps'));
    writeFileSync(
      join(workspace, 'mesh/operator.yaml'),
      'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: mesh\nspec:\n  tag: 1.30.2\n',
    );
    writeFileSync(
      join(workspace, 'apps/web.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n' +
        '      containers:\n        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.28.4\n',
    );
    const run = await check({ paths: 'mesh/**\napps/**' }, { cwd: workspace });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['current-version']).toBe('1.30.2');
    expect(run.summary).toMatch(/Data plane 1\.28\.4: \*\*outside\*\* Istio's skew rules/);
  });

  it('plans nothing for a version newer than every GA release, without failing', async () => {
    const run = await check({ 'current-version': '1.31.11', 'fail-on': 'outdated' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['update-available']).toBe('false');
    expect(run.outputs['update-type']).toBe('none');
    expect(run.outputs['target-version']).toBe('');
    expect(run.summary).toContain('none (newer than every GA release)');
  });

  describe('fail-on', () => {
    it.each([
      ['eol', '1.13.2', {}, 1, /end-of-life since 2022-10-12/],
      ['vulnerable', '1.13.2', {}, 1, /affected by .*ISTIO-SECURITY-2022-005/],
      ['outdated', '1.30.2', {}, 1, /outdated: 1\.30\.10 is next \(patch\)/],
      ['outdated,vulnerable,eol', '1.31.10', {}, 0, undefined],
      [
        'unsupported-kubernetes',
        '1.13.2',
        { 'kubernetes-version': '1.30' },
        1,
        /does not support Kubernetes 1\.30/,
      ],
      ['', '1.13.2', { 'kubernetes-version': '1.30' }, 0, undefined],
    ] as const)('fail-on %j with %s and %o exits %i', async (failOn, current, extra, exitCode, message) => {
      const run = await check({ 'current-version': current, 'fail-on': failOn, ...extra });
      expect(run.exitCode).toBe(exitCode);
      if (message) expect(errors(run).join('\n')).toMatch(message);
      else expect(errors(run)).toEqual([]);
      // Outputs are set even when the step fails, so later steps can read them.
      expect(run.outputs['current-version']).toBe(current);
    });

    it('rejects an unknown condition before any request', async () => {
      const run = await check({ 'current-version': '1.13.2', 'fail-on': 'outdated, stale' });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(/input 'fail-on': 'stale' is not a fail-on condition/);
      expect(emulator.requests).toEqual([]);
    });
  });

  describe('errors a user can act on', () => {
    it('names a version that is not an Istio release and the nearest real ones', async () => {
      const run = await check({ 'current-version': '1.29.14' });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(
        /1\.29\.14 is not an Istio release.*nearest releases are 1\.29\.9, 1\.29\.10, 1\.30\.0, 1\.30\.1\./s,
      );
    });

    it('says when no release satisfies the policy, and what exists', async () => {
      const run = await check({ 'current-version': '1.30.2', 'version-policy': '2.x' });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(
        /no Istio release satisfies the version policy '2\.x'.*1\.0\.0 to 1\.31\.10/s,
      );
    });

    it('rejects a malformed version before any request', async () => {
      const run = await check({ 'current-version': 'one-thirty' });
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(/input 'current-version': 'one-thirty' is not an Istio version/);
      expect(emulator.requests).toEqual([]);
    });
  });

  it('asks GitHub twice on the second run: page 1 of the feed and the advisories, both 304', async () => {
    const toolCache = scratch('e2e-tool-cache-');
    const first = await check({ 'current-version': '1.30.2' }, { toolCache });
    expect(first.exitCode).toBe(0);
    const listing = (status: number) =>
      emulator.requests.filter(
        (r) => r.path.startsWith('/repos/istio/istio/releases') && r.status === status,
      );
    const pages = listing(200).length;
    expect(pages).toBeGreaterThan(1);
    emulator.clearLog();
    const second = await check({ 'current-version': '1.30.2' }, { toolCache });
    expect(second.exitCode).toBe(0);
    // Page 1 unchanged: the later pages come from the cache (ADR 0013).
    expect(listing(304)).toHaveLength(1);
    expect(listing(200)).toHaveLength(0);
    expect(emulator.requests.map((r) => `${r.status} ${r.path.split('?')[0]}`).sort()).toEqual([
      '304 /advisories',
      '304 /repos/istio/istio/releases',
    ]);
    expect(second.outputs).toEqual(first.outputs);
  });

  describe('offline fallback', () => {
    it('uses the dataset when GitHub is down, warns how old it is, and never claims up to date', async () => {
      await emulator.stop();
      const run = await check({ 'current-version': datasetLatest });
      expect(run.exitCode, run.stdout).toBe(0);
      const w = warnings(run).join('\n');
      expect(w).toMatch(
        /Could not fetch the Istio release feed .*using the bundled dataset as of \d{4}-\d{2}-\d{2} \(\d+ days? old\)/,
      );
      expect(w).toMatch(/Could not fetch security advisories/);
      expect(w).toMatch(/does not confirm that it is up to date/);
      // The dataset's newest release, not the emulator's 1.31.10.
      expect(run.outputs['latest-version']).toBe(datasetLatest);
      expect(run.outputs['update-available']).toBe('false');
      expect(run.summary).toMatch(/\[!WARNING\][\s\S]*bundled dataset as of/);
      expect(run.summary).toContain('does not confirm that it is up to date');
      emulator = await new GitHubEmulator().start();
    });

    it('falls back on server errors from the release feed and the advisories API', async () => {
      emulator.injectFault('/repos/istio/istio/releases', { kind: 'status', status: 502 }, { times: 20 });
      emulator.injectFault('/advisories', { kind: 'status', status: 503 }, { times: 20 });
      const run = await check({ 'current-version': '1.13.2', 'fail-on': 'vulnerable' });
      expect(run.exitCode).toBe(1);
      expect(warnings(run).join('\n')).toMatch(/HTTP 502[\s\S]*bundled dataset[\s\S]*HTTP 503/);
      expect(run.outputs['latest-version']).toBe(datasetLatest);
      expect(run.outputs['vulnerable']).toBe('true');
      expect(run.summary).toContain('in the bundled bulletins as of');
    });
  });
});
