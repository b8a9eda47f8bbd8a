// The istio-autopilot CLI through its committed bundle, as a user runs it after `npm ci`.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
} from '../support/github-emulator/releases.js';
import { createAdvisoryState, registerAdvisoryRoutes } from '../support/github-emulator/advisories.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { realIstioctl } from '../support/istioctl.js';
import { REPO_ROOT } from '../support/runner.js';
import { makeCanaryFluxRepo } from '../../src/core/rollout/canary/__fixtures__/repos.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const EXAMPLE = join(REPO_ROOT, 'examples/gitops-flux');
const MESH = join(REPO_ROOT, 'test/fixtures/mesh');
const istioctl = realIstioctl('new');

/** Runs the CLI without blocking this process, whose event loop serves the emulator. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'cli-home-')), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

function copyOfExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-repo-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

/** The newest 1.30 patch in the project's dataset: what an offline plan moves to first. */
function newestDatasetPatchOf130(): string {
  const data = JSON.parse(readFileSync(join(REPO_ROOT, 'data/istio-releases.json'), 'utf8')) as {
    releases: { version: string }[];
  };
  return semver.maxSatisfying(
    data.releases.map((r) => r.version),
    '~1.30.0',
  )!;
}

describe('istio-autopilot CLI', () => {
  let emulator: GitHubEmulator;

  beforeAll(async () => {
    emulator = await new GitHubEmulator().start();
    registerReleaseRoutes(
      emulator,
      createReleaseState({ releases: buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 0 } }) }),
    );
    registerAdvisoryRoutes(emulator, createAdvisoryState());
  });

  afterAll(async () => {
    expect(emulator.schemaViolations).toEqual([]);
    await emulator.stop();
  });

  it('plans the example offline from the dataset, asking GitHub nothing', async () => {
    emulator.clearLog();
    const run = await cli(['plan', '--repo', EXAMPLE, '--offline', '--json'], {
      GITHUB_API_URL: emulator.url,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.requests).toEqual([]);
    expect(run.stderr).toMatch(
      /Offline: releases and advisories come from the bundled dataset as of \d{4}-\d{2}-\d{2}/,
    );
    const plan = JSON.parse(run.stdout);
    const next = newestDatasetPatchOf130();
    expect(plan).toMatchObject({
      step: 'control-plane',
      current: '1.30.4',
      target: next,
      updateType: 'patch',
    });
    expect(plan.pullRequests).toEqual([
      {
        component: 'control-plane',
        target: next,
        files: ['infrastructure/istio/istio-version.yaml'],
        now: true,
      },
      {
        component: 'data-plane',
        target: next,
        files: ['apps/bookinfo/productpage.yaml', 'apps/bookinfo/ratings.yaml', 'apps/bookinfo/reviews.yaml'],
        now: false,
      },
    ]);
    expect(plan.pins.filter((p: { role: string }) => p.role === 'data-plane')).toHaveLength(6);
  });

  it('prints the same --json twice, key for key', async () => {
    const first = await cli(['plan', '--repo', EXAMPLE, '--offline', '--json']);
    const second = await cli(['plan', '--repo', EXAMPLE, '--offline', '--json']);
    expect(first.stdout).toBe(second.stdout);
    expect(Object.keys(JSON.parse(first.stdout))).toEqual([
      'step',
      'reason',
      'current',
      'target',
      'latest',
      'upgradePath',
      'updateType',
      'policy',
      'strategy',
      'vulnerable',
      'advisories',
      'eol',
      'eolDate',
      'inconsistencies',
      'pins',
      'pullRequests',
      'retiredSources',
      'upgradeNotes',
      'uncheckedNotes',
      'targetAdvisories',
      'sources',
      'canary',
      'mesh',
    ]);
  });

  it('plans a canary hop as three PRs, the control-plane one carrying its revision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-canary-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    makeCanaryFluxRepo(dir);
    const run = await cli(['plan', '--repo', dir, '--json'], { GITHUB_API_URL: emulator.url });
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.step).toBe('control-plane');
    expect(plan.canary).toMatchObject({ phase: 'add', revision: '1-31-0' });
    expect(
      plan.pullRequests.map((pr: { component: string; revision?: string; now: boolean }) => [
        pr.component,
        pr.revision,
        pr.now,
      ]),
    ).toEqual([
      ['control-plane', '1-31-0', true],
      ['data-plane', '1-31-0', false],
      ['cleanup', '1-31-0', false],
    ]);
    const text = await cli(['plan', '--repo', dir], { GITHUB_API_URL: emulator.url });
    expect(text.stdout).toContain('(1/3) add canary 1-31-0');
    expect(text.stdout).toContain('(3/3) remove istiod');
  });

  it('plans against the live release feed when it is reachable', async () => {
    const run = await cli(['plan', '--repo', EXAMPLE, '--json'], { GITHUB_API_URL: emulator.url });
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ target: '1.31.0', latest: '1.31.0', sources: { releases: 'github' } });
  });

  it('prints a readable plan with the files each PR would touch', async () => {
    const run = await cli(['plan', '--repo', EXAMPLE, '--offline']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Control plane: 1.30.4');
    expect(run.stdout).toContain('now: control-plane PR');
    expect(run.stdout).toContain('after it merges: data-plane PR');
    expect(run.stdout).toContain('    infrastructure/istio/istio-version.yaml');
  });

  it('names the file, line and setting of a bad config value', async () => {
    const repo = copyOfExample();
    const config = join(repo, '.github/istio-autopilot.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('strategy: in-place', 'strategy: big-bang'));
    const run = await cli(['plan', '--repo', repo, '--offline']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(".github/istio-autopilot.yaml:3: 'strategy' is 'big-bang'");
    expect(run.stderr).toContain('in-place, canary');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('exits 3 when a check fails its fail-on condition, 0 otherwise', async () => {
    const outdated = await cli([
      'check',
      '--current-version',
      '1.30.4',
      '--fail-on',
      'outdated',
      '--offline',
    ]);
    expect(outdated.code).toBe(3);
    expect(outdated.stdout).toContain('fail-on:');
    expect((await cli(['check', '--current-version', '1.30.4', '--offline'])).code).toBe(0);
  });

  it('bumps a copy of the example byte-minimally, and --dry-run writes nothing', async () => {
    const repo = copyOfExample();
    const file = join(repo, 'infrastructure/istio/istio-version.yaml');
    const before = readFileSync(file, 'utf8');
    expect((await cli(['bump', '--repo', repo, '--version', '1.31.0', '--dry-run', '--offline'])).code).toBe(
      0,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    const unreleased = await cli(['bump', '--repo', repo, '--version', '1.31.9', '--offline']);
    expect(unreleased.code).toBe(2);
    expect(unreleased.stderr).toContain("input '--version'");
    const run = await cli(['bump', '--repo', repo, '--version', '1.31.0', '--json'], {
      GITHUB_API_URL: emulator.url,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).changedFiles).toEqual(['infrastructure/istio/istio-version.yaml']);
    expect(readFileSync(file, 'utf8')).toBe(before.replace('"1.30.4"', '"1.31.0"'));
  });

  it('has --help for every command and documented exit codes', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 error, 2 usage error, 3');
    for (const command of ['plan', 'check', 'get-istioctl', 'bump', 'inject', 'analyze']) {
      const run = await cli([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: istio-autopilot ${command}`);
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['plan', '--no-such-flag'])).code).toBe(2);
    expect((await cli(['bump'])).stderr).toContain("input '--version': a version is required");
  });

  it("refuses a value outside a flag's choices, naming the flag, as the action does for its input", async () => {
    const run = await cli(['check', '--current-version', '1.30.4', '--offline', '--strategy', 'foo']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("input '--strategy': 'foo' is not one of in-place, canary");
    const role = await cli(['bump', '--version', '1.30.4', '--role', 'proxies', '--offline']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("input '--role': 'proxies' is not one of control-plane, data-plane, all");
    const level = await cli(['analyze', '--istioctl', '/no/istioctl', '--failure-threshold', 'Critical']);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain("input '--failure-threshold': 'Critical' is not an analysis level");
    // The platform's spellings are checked by the installer, which names the flag on the CLI too.
    const os = await cli(['get-istioctl', '--version', '1.30.4', '--os', 'solaris', '--offline']);
    expect(os.code).toBe(2);
    expect(os.stderr).toContain("input '--os': 'solaris' is not a supported os");
    const native = await cli(['inject', '--istioctl', '/no/istioctl', '--native-sidecars', 'sometimes']);
    expect(native.code).toBe(2);
    expect(native.stderr).toContain(
      "input '--native-sidecars': 'sometimes' is not one of keep, auto, true, false",
    );
    const output = await cli(['inject', '--istioctl', '/no/istioctl', '--output', 'sideways']);
    expect(output.code).toBe(2);
    expect(output.stderr).toContain("input '--output': 'sideways' is not an output mode");
  });

  it('says a repo without pins holds none, without citing an action input the CLI lacks', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'no-pins-'));
    writeFileSync(join(repo, 'README.md'), 'nothing pinned here\n');
    const run = await cli(['plan', '--repo', repo, '--offline']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no Istio control plane pin was found');
    expect(run.stderr).not.toContain('control-plane-paths');
  });
});

describe('istio-autopilot over the mesh model', () => {
  it('plan shows the sidecars that live in patches, with their version, and no Flux controller', async () => {
    const run = await cli(['plan', '--repo', join(MESH, 'talk'), '--offline']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('cluster clusters/production');
    expect(run.stdout).toContain('control plane revision default: 1.19.3');
    expect(run.stdout).toContain('workloads: 2\n    2 × classic sidecar 1.18.5 (patch, revision default)');
    expect(run.stdout).not.toMatch(/controller/);
  });

  it('plan --json carries the model per cluster, the same on every run', async () => {
    const first = await cli(['plan', '--repo', join(MESH, 'talk'), '--offline', '--json']);
    const second = await cli(['plan', '--repo', join(MESH, 'talk'), '--offline', '--json']);
    expect(first.stdout).toBe(second.stdout);
    const { mesh } = JSON.parse(first.stdout) as {
      mesh: { clusters: { name: string; workloads: unknown }[] };
    };
    expect(mesh.clusters.map((c) => [c.name, c.workloads])).toEqual([
      [
        'clusters/production',
        {
          total: 2,
          sidecars: [{ state: 'classic', version: '1.18.5', origin: 'patch', revision: 'default', count: 2 }],
        },
      ],
    ]);
  });

  it.skipIf('skip' in istioctl)(
    'analyze without paths finds every invariant by code and file in the rendered roots',
    async () => {
      const binary = 'skip' in istioctl ? '' : istioctl.binary;
      const run = await cli([
        'analyze',
        '--repo',
        join(MESH, 'invariants/failing'),
        '--istioctl',
        binary,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(3);
      const { findings } = JSON.parse(run.stdout) as {
        findings: { code: string; file?: string; line?: number; message: string }[];
      };
      const mesh = findings
        .filter((f) => f.code.startsWith('MESH'))
        .map((f) => `${f.code} ${f.file}:${f.line}`);
      expect(mesh).toEqual(
        expect.arrayContaining([
          'MESH001 double-sidecar.yaml:6',
          'MESH002 workloads.yaml:41',
          'MESH003 workloads.yaml:62',
          'MESH004 control-plane.yaml:9',
          'MESH005 namespaces.yaml:21',
          'MESH006 namespaces.yaml:13',
        ]),
      );
      for (const f of findings) expect(typeof f.message).toBe('string');
    },
  );
});
