// The harness the pipeline end-to-end tests share: an emulated GitHub (releases, advisories, git data,
// pulls, GraphQL) backed by a real bare repo holding the fixture, real istioctl release assets, a tool
// cache, and the checks every such suite makes after its runs: no schema violations and the token never
// echoed. Call `usePipelineHarness` inside a describe; it registers that describe's beforeAll/afterAll.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, expect } from 'vitest';
import { createAdvisoryState, registerAdvisoryRoutes } from './github-emulator/advisories.js';
import { registerGitDataRoutes } from './github-emulator/git-data.js';
import { EmulatedRepository } from './github-emulator/git-repo.js';
import { registerGraphQLRoutes } from './github-emulator/graphql.js';
import { registerPullRoutes } from './github-emulator/pulls.js';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
  type EmulatedRelease,
  type ReleaseState,
} from './github-emulator/releases.js';
import { GitHubEmulator } from './github-emulator/server.js';
import { gitAs, MESH_ADMIN } from './git.js';
import type { IstioctlArtifacts } from './istioctl.js';
import { runAction, type ActionRun } from './runner.js';

export const PIPELINE_TOKEN = 'ghs_pipelineToken0123456789abcdefABCDEF';

const git = gitAs(MESH_ADMIN);

/** Every file under `dir`, keyed by its path relative to `dir`. */
export function filesUnder(dir: string): Record<string, string> {
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
export function proxies(yaml: string): string[][] {
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

export interface PipelineHarnessOptions {
  owner?: string;
  name?: string;
  /** The files main starts with, committed with `message`; evaluated in beforeAll. */
  files?: () => Record<string, string>;
  /** The message of main's first commit. */
  message?: string;
  /** Builds main's history some other way (or further), once the repo exists. */
  seed?: (repo: EmulatedRepository) => Promise<void> | void;
  /** The release history the emulator serves; 1.30.4 and 1.31.0 latest by default. */
  releases?: () => EmulatedRelease[];
  /** Real istioctl builds published as release assets (and served from the download base URL). */
  assets?: () => IstioctlArtifacts[];
  /** Routes beyond releases, advisories, git data, pulls and GraphQL (checks, issues...). */
  routes?: (emulator: GitHubEmulator, repo: EmulatedRepository) => void;
  /** Inputs every `runPipeline` adds to the token, API URL and download base URL. */
  inputs?: Record<string, string>;
  /** Whether `runPipeline` passes `download-base-url`; true by default. */
  downloadBaseUrl?: boolean;
  timeoutMs?: number;
  /** Whether runs share one tool cache; true by default, else each run gets the runner's own. */
  toolCache?: boolean;
  /** The token the emulator accepts and no run may echo; PIPELINE_TOKEN by default. */
  token?: string;
}

export interface PipelineHarness {
  readonly emulator: GitHubEmulator;
  readonly repo: EmulatedRepository;
  readonly releases: ReleaseState;
  readonly toolCache: string;
  readonly downloads: string;
  readonly token: string;
  /** Every run the afterAll checks for the token; push runs made without `runPipeline`. */
  readonly runs: ActionRun[];
  /** Directories removed after the suite. */
  readonly scratch: string[];
  /**
   * A fresh checkout of main, as actions/checkout gives the scheduled job; with `cloneArgs` (say
   * `--depth 1`) the clone goes through a file:// URL so that they apply.
   */
  checkout(cloneArgs?: string[]): string;
  /** The pipeline action on a fresh checkout with the token, expecting exit code 0. */
  runPipeline(runOptions?: { cloneArgs?: string[] }): Promise<ActionRun>;
  /**
   * Merges the PR's branch into main the way a reviewer's merge button would, and closes the PR, at
   * `mergedAt` (recorded as merged_at too) or now; `recordSha` records the merge commit's SHA on the
   * PR. Returns the merge commit's SHA.
   */
  merge(number: number, options?: { mergedAt?: string; recordSha?: boolean }): string;
  /** The environment a run against the emulated repo gets. */
  env(): Record<string, string>;
}

export function usePipelineHarness(options: PipelineHarnessOptions): PipelineHarness {
  const owner = options.owner ?? 'octo-org';
  const name = options.name ?? 'mesh-gitops';
  const token = options.token ?? PIPELINE_TOKEN;
  const scratch: string[] = [];
  const runs: ActionRun[] = [];
  let emulator: GitHubEmulator | undefined;
  let repo: EmulatedRepository | undefined;
  let releases: ReleaseState | undefined;
  let toolCache: string | undefined;
  let downloads: string | undefined;

  beforeAll(async () => {
    repo = await EmulatedRepository.create(owner, name);
    if (options.files)
      await repo.git.commitFiles('main', options.files(), options.message ?? 'Initial commit');
    await options.seed?.(repo);
    emulator = await new GitHubEmulator().start();
    emulator.validTokens.add(token);
    releases = createReleaseState({
      releases: options.releases?.() ?? buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 0 } }),
    });
    for (const artifact of options.assets?.() ?? []) {
      addReleaseAsset(releases, artifact.version, artifact.assetName, readFileSync(artifact.asset));
    }
    registerReleaseRoutes(emulator, releases);
    registerAdvisoryRoutes(emulator, createAdvisoryState());
    registerGitDataRoutes(emulator, repo);
    registerPullRoutes(emulator, repo);
    registerGraphQLRoutes(emulator, repo);
    options.routes?.(emulator, repo);
    downloads = downloadBaseUrl(emulator, releases);
    toolCache = mkdtempSync(join(tmpdir(), 'pipeline-tool-cache-'));
    scratch.push(toolCache);
  }, 600_000);

  afterAll(async () => {
    await emulator?.stop();
    repo?.remove();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    expect(emulator!.schemaViolations).toEqual([]);
    for (const run of runs) {
      for (const text of [run.stderr, run.summary, ...Object.values(run.outputs)])
        expect(text).not.toContain(token);
    }
  }, 600_000);

  const harness: PipelineHarness = {
    get emulator() {
      return emulator!;
    },
    get repo() {
      return repo!;
    },
    get releases() {
      return releases!;
    },
    get toolCache() {
      return toolCache!;
    },
    get downloads() {
      return downloads!;
    },
    token,
    runs,
    scratch,
    checkout(cloneArgs) {
      const dir = mkdtempSync(join(tmpdir(), 'pipeline-workspace-'));
      scratch.push(dir);
      if (cloneArgs) git(dir, 'clone', '--quiet', ...cloneArgs, `file://${repo!.git.dir}`, '.');
      else git(dir, 'clone', '--quiet', repo!.git.dir, '.');
      return dir;
    },
    env() {
      return { GITHUB_API_URL: emulator!.url, GITHUB_REPOSITORY: `${owner}/${name}` };
    },
    async runPipeline(runOptions = {}) {
      const result = await runAction('pipeline', {
        cwd: harness.checkout(runOptions.cloneArgs),
        toolCache: options.toolCache === false ? undefined : toolCache!,
        inputs: {
          'github-token': token,
          'github-api-url': emulator!.url,
          ...(options.downloadBaseUrl === false ? {} : { 'download-base-url': downloads! }),
          ...options.inputs,
        },
        env: harness.env(),
        timeoutMs: options.timeoutMs ?? 600_000,
      });
      runs.push(result);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      return result;
    },
    merge(number, mergeOptions = {}) {
      const pull = repo!.pulls.find((p) => p.number === number)!;
      const dir = harness.checkout();
      git(dir, 'fetch', '--quiet', 'origin', pull.head);
      git(dir, 'merge', '--quiet', '--no-ff', '-m', `Merge pull request #${number}`, 'FETCH_HEAD');
      git(dir, 'push', '--quiet', 'origin', 'main');
      const sha = git(dir, 'rev-parse', 'HEAD').trim();
      pull.state = 'closed';
      pull.closedAt = mergeOptions.mergedAt ?? new Date().toISOString();
      if (mergeOptions.mergedAt !== undefined) pull.mergedAt = mergeOptions.mergedAt;
      if (mergeOptions.recordSha) pull.mergeCommitSha = sha;
      return sha;
    },
  };
  return harness;
}
