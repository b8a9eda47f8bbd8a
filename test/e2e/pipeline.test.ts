// The whole flow through the committed root bundle: the example Flux repo pinned at the older real
// istioctl, the GitHub emulator backed by a real bare repo, and real istioctl for inject and analyze.
//   run 1 opens the control plane PR; a human merges it;
//   run 2 opens the data plane PR with re-rendered proxies at the new tag; a human merges it;
//   run 3 has nothing to do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { filesUnder, proxies, PIPELINE_TOKEN, usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT, runAction } from '../support/runner.js';

const pair = realIstioctlPair();
const TOKEN = PIPELINE_TOKEN;
const EXAMPLE = join(REPO_ROOT, 'examples/gitops-flux');
const VERSION_FILE = 'infrastructure/istio/istio-version.yaml';
const WORKLOADS = [
  'apps/bookinfo/productpage.yaml',
  'apps/bookinfo/ratings.yaml',
  'apps/bookinfo/reviews.yaml',
];

const git = gitAs(MESH_ADMIN);

describe.skipIf('skip' in pair)('the pipeline: three runs on the example Flux repo', () => {
  const real = 'skip' in pair ? undefined : pair;
  const h = usePipelineHarness({
    files: () => filesUnder(EXAMPLE),
    message: 'Mesh at Istio 1.30.4',
    assets: () => [real!.old, real!.new],
  });
  const { checkout, runPipeline, merge } = h;

  const branchFile = (branch: string, path: string) => git(h.repo.git.dir, 'show', `${branch}:${path}`);
  const changed = (branch: string) =>
    git(h.repo.git.dir, 'diff', '--name-only', `main...${branch}`).split('\n').filter(Boolean);

  it('a dry run without a token plans the control plane step and touches nothing', async () => {
    const workspace = checkout();
    const result = await runAction('pipeline', {
      cwd: workspace,
      toolCache: h.toolCache,
      inputs: { 'github-token': '', 'github-api-url': h.emulator.url, 'dry-run': 'true' },
      env: { GITHUB_API_URL: h.emulator.url, GITHUB_REPOSITORY: 'octo-org/mesh-gitops' },
    });
    h.runs.push(result);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({
      step: 'control-plane',
      operation: 'planned',
      'target-version': '1.31.0',
    });
    expect(JSON.parse(result.outputs['changed-files']!)).toEqual([VERSION_FILE]);
    expect(git(workspace, 'status', '--porcelain')).toBe('');
    expect(h.repo.pulls).toHaveLength(0);
    expect(result.summary).toContain('Dry run: nothing was written.');
  });

  it('fails with the input named when the config file has a bad value', async () => {
    const result = await runAction('pipeline', {
      cwd: checkout(),
      toolCache: h.toolCache,
      inputs: { 'github-token': TOKEN, 'github-api-url': h.emulator.url, strategy: 'yolo' },
      env: { GITHUB_API_URL: h.emulator.url, GITHUB_REPOSITORY: 'octo-org/mesh-gitops' },
    });
    h.runs.push(result);
    expect(result.exitCode).not.toBe(0);
    const error = result.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).toContain("input 'strategy'");
    expect(error).toContain('in-place, canary');
  });

  it('run 1 opens the control plane PR that changes only the version in the ConfigMap', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'control-plane',
      operation: 'created',
      'current-version': '1.30.4',
      'target-version': '1.31.0',
    });
    const pull = h.repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
    expect(pull.head).toBe('istio-autopilot/control-plane-1.31');
    expect(pull.title).toContain('1.30.4');
    expect(pull.title).toContain('1.31.0');
    expect(changed(pull.head)).toEqual([VERSION_FILE]);
    const diff = git(h.repo.git.dir, 'diff', `main...${pull.head}`, '--unified=0', '--', VERSION_FILE);
    expect(diff).toContain('-  istio_version: "1.30.4" # control plane; proxies follow in a second PR');
    expect(diff).toContain('+  istio_version: "1.31.0" # control plane; proxies follow in a second PR');
    expect(result.summary).toContain('istioctl analyze');
    merge(pull.number);
  });

  it('run 2 re-renders every proxy at the new tag in the data plane PR', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'data-plane',
      operation: 'created',
      'target-version': '1.31.0',
    });
    const pull = h.repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
    expect(pull.head).toBe('istio-autopilot/data-plane-1.31');
    expect(changed(pull.head).sort()).toEqual(WORKLOADS);
    for (const file of WORKLOADS) {
      const pods = proxies(branchFile(pull.head, file));
      expect(pods.length).toBeGreaterThan(0);
      for (const images of pods) expect(images).toEqual(['docker.io/istio/proxyv2:1.31.0']);
      // Services in the same files are untouched, byte for byte.
      const service = readFileSync(join(EXAMPLE, file), 'utf8').split('\n---\n')[0]!;
      expect(branchFile(pull.head, file).startsWith(service)).toBe(true);
    }
    // The PR says per workload what moved, where its sidecar lives and in which mode, and proves it.
    expect(pull.body).toContain('| bookinfo | Deployment ratings-v1 | 1.30.4 → 1.31.0 | inline | native |');
    expect(pull.body).toContain('3 pods with a sidecar, 3 with exactly one `istio-proxy`, 3 at 1.31.0');
    merge(pull.number);
  });

  it('run 3 reports nothing to do and opens nothing', async () => {
    const before = h.repo.pulls.length;
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'none',
      operation: 'none',
      'current-version': '1.31.0',
      'pull-request-number': '',
    });
    expect(h.repo.pulls.length).toBe(before);
  });
});
