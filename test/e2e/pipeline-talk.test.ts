// The talk's layout through the committed root bundle: Flux, istiod a HelmRelease with values, the
// sidecars kept in JSON6902 patches beside each base Deployment (which says inject "false"), at
// 1.30.4. Run 1 opens the control plane PR; run 2 regenerates the sidecar patches at 1.31.0 with the
// HelmRelease's values, checked with kustomize build; run 3 has nothing to do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdvisoryState, registerAdvisoryRoutes } from '../support/github-emulator/advisories.js';
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
import { REPO_ROOT, runAction, type ActionRun } from '../support/runner.js';

const pair = realIstioctlPair();
const TOKEN = 'ghs_pipelineToken0123456789abcdefABCDEF';
const TALK = join(REPO_ROOT, 'test/fixtures/mesh/talk');
const VERSION_FILE = 'clusters/production/istio-version.yaml';
const PATCHES = ['apps/backend/deployment-sidecar.yaml', 'apps/frontend/deployment-sidecar.yaml'];

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

/** Every pod template's istio-proxy containers (native sidecars live in initContainers). */
function proxies(yaml: string): string[][] {
  const result: string[][] = [];
  for (const doc of parseAllDocuments(yaml)) {
    const obj = doc.toJS() as {
      kind?: string;
      spec?: { template?: { spec?: Record<string, unknown> } };
    } | null;
    const pod = obj?.spec?.template?.spec as
      | { containers?: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] }
      | undefined;
    if (!pod) continue;
    result.push(
      [...(pod.initContainers ?? []), ...(pod.containers ?? [])]
        .filter((c) => c.name === 'istio-proxy')
        .map((c) => c.image),
    );
  }
  return result;
}

/** The talk's fixture at Istio 1.30.4, its chart from the current host, istiod's values setting the proxy's resources. */
function talkAt1304(): Record<string, string> {
  const files = filesUnder(TALK);
  files[VERSION_FILE] = files[VERSION_FILE]!.replace('version: 1.19.3', 'version: "1.30.4"');
  for (const patch of PATCHES) files[patch] = files[patch]!.replace('proxyv2:1.18.5', 'proxyv2:1.30.4');
  const repository = 'infrastructure/istio/repository.yaml';
  files[repository] = files[repository]!.replace(
    'https://istio-release.storage.googleapis.com/charts',
    'https://blob.istio.io/istio-release/charts',
  );
  const istiod = 'infrastructure/istio/istiod.yaml';
  files[istiod] =
    `${files[istiod]!.trimEnd()}\n    global:\n      proxy:\n        resources:\n          requests:\n            cpu: 150m\n`;
  return files;
}

describe.skipIf('skip' in pair)("the pipeline: the talk's layout, sidecars in JSON6902 patches", () => {
  const real = 'skip' in pair ? undefined : pair;
  let emulator: GitHubEmulator;
  let repo: EmulatedRepository;
  let toolCache: string;
  let downloads: string;
  const scratch: string[] = [];
  const runs: ActionRun[] = [];

  beforeAll(async () => {
    repo = await EmulatedRepository.create('octo-org', 'mesh-gitops');
    await repo.git.commitFiles('main', talkAt1304(), 'Mesh at Istio 1.30.4');
    emulator = await new GitHubEmulator().start();
    emulator.validTokens.add(TOKEN);
    const releases = createReleaseState({
      releases: buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 0 } }),
    });
    for (const artifact of [real!.old, real!.new]) {
      addReleaseAsset(releases, artifact.version, artifact.assetName, readFileSync(artifact.asset));
    }
    registerReleaseRoutes(emulator, releases);
    registerAdvisoryRoutes(emulator, createAdvisoryState());
    registerGitDataRoutes(emulator, repo);
    registerPullRoutes(emulator, repo);
    registerGraphQLRoutes(emulator, repo);
    downloads = downloadBaseUrl(emulator, releases);
    toolCache = mkdtempSync(join(tmpdir(), 'pipeline-tool-cache-'));
    scratch.push(toolCache);
  });

  afterAll(async () => {
    await emulator?.stop();
    repo?.remove();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    expect(emulator.schemaViolations).toEqual([]);
    for (const run of runs) {
      for (const text of [run.stderr, run.summary, ...Object.values(run.outputs)])
        expect(text).not.toContain(TOKEN);
    }
  });

  /** A fresh checkout of main, as actions/checkout gives the scheduled job. */
  function checkout(): string {
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-workspace-'));
    scratch.push(dir);
    git(dir, 'clone', '--quiet', repo.git.dir, '.');
    return dir;
  }

  async function runPipeline(): Promise<ActionRun> {
    const result = await runAction('pipeline', {
      cwd: checkout(),
      toolCache,
      inputs: { 'github-token': TOKEN, 'github-api-url': emulator.url, 'download-base-url': downloads },
      env: { GITHUB_API_URL: emulator.url, GITHUB_REPOSITORY: 'octo-org/mesh-gitops' },
      timeoutMs: 600_000,
    });
    runs.push(result);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    return result;
  }

  /** Merges the PR's branch into main the way a reviewer's merge button would, and closes the PR. */
  function merge(number: number): void {
    const pull = repo.pulls.find((p) => p.number === number)!;
    const dir = checkout();
    git(dir, 'fetch', '--quiet', 'origin', pull.head);
    git(dir, 'merge', '--quiet', '--no-ff', '-m', `Merge pull request #${number}`, 'FETCH_HEAD');
    git(dir, 'push', '--quiet', 'origin', 'main');
    pull.state = 'closed';
    pull.closedAt = new Date().toISOString();
  }

  const changed = (branch: string) =>
    git(repo.git.dir, 'diff', '--name-only', `main...${branch}`).split('\n').filter(Boolean);

  it('run 1 opens the control plane PR', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'control-plane', 'target-version': '1.31.0' });
    const pull = repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
    expect(changed(pull.head)).toEqual([VERSION_FILE]);
    merge(pull.number);
  });

  it('run 2 regenerates the sidecar patches: one proxy per pod at 1.31.0 with the repo values, nothing else', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'data-plane', 'target-version': '1.31.0' });
    const pull = repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
    expect(changed(pull.head).sort()).toEqual(PATCHES);
    const dir = checkout();
    git(dir, 'checkout', '--quiet', pull.head);
    const rendered = execFileSync('kustomize', ['build', join(dir, 'apps')], { encoding: 'utf8' });
    expect(proxies(rendered)).toEqual([
      ['docker.io/istio/proxyv2:1.31.0'],
      ['docker.io/istio/proxyv2:1.31.0'],
    ]);
    // The HelmRelease's global.proxy.resources reached every proxy.
    expect(rendered.match(/cpu: 150m/g)?.length).toBeGreaterThanOrEqual(2);
    expect(pull.body).toContain('| namespace | workload | sidecar | origin | mode |');
    expect(pull.body).toContain(
      '| shop | Deployment frontend | 1.30.4 → 1.31.0 | JSON6902 patch | classic |',
    );
    expect(pull.body).toContain('2 pods with a sidecar, 2 with exactly one `istio-proxy`, 2 at 1.31.0');
    merge(pull.number);
  });

  it('run 3 has nothing to do', async () => {
    const before = repo.pulls.length;
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'none', operation: 'none' });
    expect(repo.pulls.length).toBe(before);
  });
});
