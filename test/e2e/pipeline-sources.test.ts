// The move off Istio's retired hosts through the committed root bundle and the GitHub emulator: the
// example Flux repo as a user still on the old chart bucket and gcr.io hub would have it, plus a
// mirror and a removed env flag.
//   - feed up to 1.31.0: the control plane PR to 1.31 moves the sources in the same commit, and its
//     body lists the removed flag and what was moved;
//   - feed up to 1.30.4 (the repo is current): the pipeline opens one "move Istio sources" PR.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdvisoryState, registerAdvisoryRoutes } from '../support/github-emulator/advisories.js';
import { registerGitDataRoutes } from '../support/github-emulator/git-data.js';
import { EmulatedRepository } from '../support/github-emulator/git-repo.js';
import { registerGraphQLRoutes } from '../support/github-emulator/graphql.js';
import { registerPullRoutes } from '../support/github-emulator/pulls.js';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { REPO_ROOT, runAction } from '../support/runner.js';

const TOKEN = 'ghs_sourcesToken0123456789abcdefABCDEF';
const EXAMPLE = join(REPO_ROOT, 'examples/gitops-flux');
const VERSION_FILE = 'infrastructure/istio/istio-version.yaml';
const REPOSITORY_FILE = 'infrastructure/istio/repository.yaml';
const ISTIOD_FILE = 'infrastructure/istio/istiod.yaml';
const OLD_CHARTS = 'https://istio-release.storage.googleapis.com/charts';
const MIRROR = 'https://nexus.example.com/repository/istio-release.storage.googleapis.com/charts';
const git = gitAs(MESH_ADMIN);

/** The example as a repo that predates the move: old chart bucket, gcr.io hub, a mirror, a removed flag. */
function repoOnOldHosts(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(EXAMPLE, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(EXAMPLE);
  files[REPOSITORY_FILE] =
    files[REPOSITORY_FILE]!.replace(
      'https://blob.istio.io/istio-release/charts',
      `"${OLD_CHARTS}" # Istio's charts`,
    ) +
    `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: istio-mirror\n  namespace: istio-system\nspec:\n  interval: 1h\n  url: ${MIRROR}\n`;
  files[ISTIOD_FILE] = files[ISTIOD_FILE]!.replace(
    '    pilot:\n      autoscaleMin: 2\n',
    '    global:\n      hub: \'gcr.io/istio-release\' # old registry\n    pilot:\n      autoscaleMin: 2\n      env:\n        PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: "false"\n',
  );
  return files;
}

describe("the pipeline and Istio's retired hosts", () => {
  let emulator: GitHubEmulator | undefined;
  let repo: EmulatedRepository | undefined;
  const scratch: string[] = [];

  afterEach(async () => {
    await emulator?.stop();
    expect(emulator?.schemaViolations ?? []).toEqual([]);
    repo?.remove();
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function start(lastMinor: number, lastPatch: Record<number, number>): Promise<void> {
    repo = await EmulatedRepository.create('octo-org', 'mesh-gitops');
    await repo.git.commitFiles('main', repoOnOldHosts(), 'Mesh at Istio 1.30.4 on the old hosts');
    emulator = await new GitHubEmulator().start();
    emulator.validTokens.add(TOKEN);
    registerReleaseRoutes(
      emulator,
      createReleaseState({ releases: buildIstioReleaseHistory({ lastMinor, lastPatch }) }),
    );
    registerAdvisoryRoutes(emulator, createAdvisoryState());
    registerGitDataRoutes(emulator, repo);
    registerPullRoutes(emulator, repo);
    registerGraphQLRoutes(emulator, repo);
  }

  async function runPipeline() {
    const cwd = mkdtempSync(join(tmpdir(), 'sources-workspace-'));
    const toolCache = mkdtempSync(join(tmpdir(), 'sources-tool-cache-'));
    scratch.push(cwd, toolCache);
    git(cwd, 'clone', '--quiet', repo!.git.dir, '.');
    const result = await runAction('pipeline', {
      cwd,
      toolCache,
      inputs: { 'github-token': TOKEN, 'github-api-url': emulator!.url, analyze: 'false' },
      env: { GITHUB_API_URL: emulator!.url, GITHUB_REPOSITORY: 'octo-org/mesh-gitops' },
      timeoutMs: 300_000,
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    for (const text of [result.stderr, result.summary, ...Object.values(result.outputs)])
      expect(text).not.toContain(TOKEN);
    const pull = repo!.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']));
    return { result, pull };
  }

  const changed = (branch: string) =>
    git(repo!.git.dir, 'diff', '--name-only', `main...${branch}`).split('\n').filter(Boolean).sort();
  const diff = (branch: string, file: string) =>
    git(repo!.git.dir, 'diff', `main...${branch}`, '--unified=0', '--', file);

  it('moves the chart repository and hub in the same control plane PR as the bump to 1.31', async () => {
    await start(31, { 30: 4, 31: 0 });
    const { result, pull } = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'control-plane',
      operation: 'created',
      'target-version': '1.31.0',
    });
    expect(pull?.head).toBe('istio-autopilot/control-plane-1.31');
    expect(changed(pull!.head)).toEqual([ISTIOD_FILE, VERSION_FILE, REPOSITORY_FILE].sort());
    const repository = diff(pull!.head, REPOSITORY_FILE);
    expect(repository).toContain(`-  url: "${OLD_CHARTS}" # Istio's charts`);
    expect(repository).toContain(`+  url: "https://blob.istio.io/istio-release/charts" # Istio's charts`);
    expect(repository).not.toContain('nexus.example.com');
    expect(diff(pull!.head, ISTIOD_FILE)).toContain("+      hub: 'docker.io/istio' # old registry");
    // The reviewer is told what this hop needs: the removed flag, and what was moved for them.
    expect(pull!.body).toContain('### Upgrade notes that apply (1.30.4 → 1.31.0)');
    expect(pull!.body).toContain('PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY is removed');
    expect(pull!.body).toContain(`\`${ISTIOD_FILE}:23\` PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY=false`);
    expect(pull!.body).toContain(
      'https://istio.io/latest/news/releases/1.31.x/announcing-1.31/upgrade-notes/',
    );
    expect(pull!.body).toContain("Done here: moved 2 location(s) to Istio's current hosts");
    expect(pull!.body).toContain('### Istio sources moved off retired hosts');
  });

  it('opens one "move Istio sources" PR for a repo already on the newest release', async () => {
    await start(30, { 30: 4 });
    const { result, pull } = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'sources',
      operation: 'created',
      'current-version': '1.30.4',
    });
    expect(pull?.head).toBe('istio-autopilot/sources');
    expect(pull?.title).toBe("Move Istio's charts and images off the retired hosts");
    expect(changed(pull!.head)).toEqual([ISTIOD_FILE, REPOSITORY_FILE].sort());
    expect(diff(pull!.head, REPOSITORY_FILE)).not.toContain('nexus.example.com');
    expect(pull!.body).toContain('### Istio sources moved off retired hosts');
    expect(pull!.body).not.toContain('PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY');
    expect(result.summary).toContain('retired hosts');

    // Run again: the same PR stays, nothing new is opened.
    const again = await runPipeline();
    expect(again.result.outputs).toMatchObject({ step: 'sources', operation: 'unchanged' });
    expect(repo!.pulls).toHaveLength(1);
  });
});
