// The talk's layout through the committed root bundle: Flux, istiod a HelmRelease with values, the
// sidecars kept in JSON6902 patches beside each base Deployment (which says inject "false"), at
// 1.30.4. Run 1 opens the control plane PR; run 2 regenerates the sidecar patches at 1.31.0 with the
// HelmRelease's values, checked with kustomize build; run 3 has nothing to do.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { filesUnder, proxies, usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT } from '../support/runner.js';

const pair = realIstioctlPair();
const TALK = join(REPO_ROOT, 'test/fixtures/mesh/talk');
const VERSION_FILE = 'clusters/production/istio-version.yaml';
const PATCHES = ['apps/backend/deployment-sidecar.yaml', 'apps/frontend/deployment-sidecar.yaml'];

const git = gitAs(MESH_ADMIN);

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
  const h = usePipelineHarness({
    files: talkAt1304,
    message: 'Mesh at Istio 1.30.4',
    assets: () => [real!.old, real!.new],
  });
  const { checkout, runPipeline, merge } = h;

  const changed = (branch: string) =>
    git(h.repo.git.dir, 'diff', '--name-only', `main...${branch}`).split('\n').filter(Boolean);

  it('run 1 opens the control plane PR', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'control-plane', 'target-version': '1.31.0' });
    const pull = h.repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
    expect(changed(pull.head)).toEqual([VERSION_FILE]);
    merge(pull.number);
  });

  it('run 2 regenerates the sidecar patches: one proxy per pod at 1.31.0 with the repo values, nothing else', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'data-plane', 'target-version': '1.31.0' });
    const pull = h.repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
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
    const before = h.repo.pulls.length;
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'none', operation: 'none' });
    expect(h.repo.pulls.length).toBe(before);
  });
});
