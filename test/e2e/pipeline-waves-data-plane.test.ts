// A wave's proxies follow its control plane in the wave's own data plane PR, through the root bundle
// with real istioctl: dev runs 1.31.0 with proxies at 1.30.4, staging runs 1.30.4 with proxies at
// 1.30.4. One run opens dev's data plane PR, touching only dev's workload, and staging keeps waiting.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdvisoryState, registerAdvisoryRoutes } from '../support/github-emulator/advisories.js';
import { registerChecksAndIssuesRoutes } from '../support/github-emulator/checks-issues.js';
import { registerGitDataRoutes } from '../support/github-emulator/git-data.js';
import { EmulatedRepository } from '../support/github-emulator/git-repo.js';
import { registerGraphQLRoutes } from '../support/github-emulator/graphql.js';
import { registerPullRoutes } from '../support/github-emulator/pulls.js';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { REPO_ROOT, runAction } from '../support/runner.js';

const pair = realIstioctlPair();
const TOKEN = 'ghs_wavesDataPlane0123456789abcdefABCD';
const git = gitAs(MESH_ADMIN);

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe.skipIf('skip' in pair)('fleet waves: a data plane PR per wave', () => {
  const real = 'skip' in pair ? undefined : pair;
  let emulator: GitHubEmulator;
  let repo: EmulatedRepository;
  let downloads: string;
  const scratch: string[] = [];

  beforeAll(async () => {
    const fleet = mkdtempSync(join(tmpdir(), 'waves-dp-fixture-'));
    scratch.push(fleet);
    cpSync(join(REPO_ROOT, 'test/fixtures/fleet-waves'), fleet, { recursive: true });
    const devVersion = join(fleet, 'clusters/dev/istio-version.yaml');
    writeFileSync(devVersion, readFileSync(devVersion, 'utf8').replace('1.30.4', '1.31.0'));
    const workload = readFileSync(join(REPO_ROOT, 'examples/gitops-flux/apps/bookinfo/ratings.yaml'), 'utf8');
    for (const cluster of ['dev', 'staging']) {
      writeFileSync(join(fleet, `clusters/${cluster}/ratings.yaml`), workload);
    }
    repo = await EmulatedRepository.create('octo-org', 'fleet-dp');
    await repo.git.commitFiles('main', filesUnder(fleet), 'dev at 1.31.0, its proxies at 1.30.4');
    emulator = await new GitHubEmulator().start();
    emulator.validTokens.add(TOKEN);
    const releases = createReleaseState({
      releases: buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 0 } }),
    });
    for (const artifact of [real!.old, real!.new])
      addReleaseAsset(releases, artifact.version, artifact.assetName, readFileSync(artifact.asset));
    registerReleaseRoutes(emulator, releases);
    registerAdvisoryRoutes(emulator, createAdvisoryState());
    registerGitDataRoutes(emulator, repo);
    registerPullRoutes(emulator, repo);
    registerGraphQLRoutes(emulator, repo);
    registerChecksAndIssuesRoutes(emulator, repo);
    downloads = downloadBaseUrl(emulator, releases);
  });

  afterAll(async () => {
    await emulator?.stop();
    repo?.remove();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    expect(emulator.schemaViolations).toEqual([]);
  }, 600_000);

  it("opens dev's data plane PR with dev's proxies re-rendered at 1.31.0, touching only dev's files", async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'waves-dp-workspace-'));
    const toolCache = mkdtempSync(join(tmpdir(), 'waves-dp-tools-'));
    scratch.push(workspace, toolCache);
    git(workspace, 'clone', '--quiet', repo.git.dir, '.');
    const run = await runAction('pipeline', {
      cwd: workspace,
      toolCache,
      inputs: { 'github-token': TOKEN, 'github-api-url': emulator.url, 'download-base-url': downloads },
      env: { GITHUB_API_URL: emulator.url, GITHUB_REPOSITORY: 'octo-org/fleet-dp' },
      timeoutMs: 600_000,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(repo.pulls.map((p) => p.head)).toEqual(['istio-autopilot/data-plane-dev-1.31']);
    const [pull] = repo.pulls;
    expect(pull!.title).toBe('Upgrade Istio data-plane in dev from 1.30.4 to 1.31.0');
    expect(git(repo.git.dir, 'diff', '--name-only', `main...${pull!.head}`).trim()).toBe(
      'clusters/dev/ratings.yaml',
    );
    const rendered = git(repo.git.dir, 'show', `${pull!.head}:clusters/dev/ratings.yaml`);
    expect(rendered).toContain('proxyv2:1.31.0');
    expect(rendered).not.toContain('proxyv2:1.30.4');
    expect(run.outputs.step).toBe('data-plane');
    // dev reached 1.31.0 by hand in the one commit: staging's soak runs from that commit's time.
    expect(run.outputs.waiting).toMatch(
      /Wave staging waits for the 2d soak of wave dev's commit [0-9a-f]{12} \(1\.31\.0\) until /,
    );
  }, 600_000);
});
