// A wave's proxies follow its control plane in the wave's own data plane PR, through the root bundle
// with real istioctl: dev runs 1.31.0 with proxies at 1.30.4, staging runs 1.30.4 with proxies at
// 1.30.4. One run opens dev's data plane PR, touching only dev's workload, and staging keeps waiting.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerChecksAndIssuesRoutes } from '../support/github-emulator/checks-issues.js';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { filesUnder, usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT } from '../support/runner.js';

const pair = realIstioctlPair();
const TOKEN = 'ghs_wavesDataPlane0123456789abcdefABCD';
const git = gitAs(MESH_ADMIN);

describe.skipIf('skip' in pair)('fleet waves: a data plane PR per wave', () => {
  const real = 'skip' in pair ? undefined : pair;
  const h = usePipelineHarness({
    name: 'fleet-dp',
    token: TOKEN,
    files: () => {
      const fleet = mkdtempSync(join(tmpdir(), 'waves-dp-fixture-'));
      h.scratch.push(fleet);
      cpSync(join(REPO_ROOT, 'test/fixtures/fleet-waves'), fleet, { recursive: true });
      const devVersion = join(fleet, 'clusters/dev/istio-version.yaml');
      writeFileSync(devVersion, readFileSync(devVersion, 'utf8').replace('1.30.4', '1.31.0'));
      const workload = readFileSync(
        join(REPO_ROOT, 'examples/gitops-flux/apps/bookinfo/ratings.yaml'),
        'utf8',
      );
      for (const cluster of ['dev', 'staging']) {
        writeFileSync(join(fleet, `clusters/${cluster}/ratings.yaml`), workload);
      }
      return filesUnder(fleet);
    },
    message: 'dev at 1.31.0, its proxies at 1.30.4',
    assets: () => [real!.old, real!.new],
    routes: (emulator, repo) => registerChecksAndIssuesRoutes(emulator, repo),
  });

  it("opens dev's data plane PR with dev's proxies re-rendered at 1.31.0, touching only dev's files", async () => {
    const run = await h.runPipeline();
    expect(h.repo.pulls.map((p) => p.head)).toEqual(['istio-autopilot/data-plane-dev-1.31']);
    const [pull] = h.repo.pulls;
    expect(pull!.title).toBe('Upgrade Istio data-plane in dev from 1.30.4 to 1.31.0');
    expect(git(h.repo.git.dir, 'diff', '--name-only', `main...${pull!.head}`).trim()).toBe(
      'clusters/dev/ratings.yaml',
    );
    const rendered = git(h.repo.git.dir, 'show', `${pull!.head}:clusters/dev/ratings.yaml`);
    expect(rendered).toContain('proxyv2:1.31.0');
    expect(rendered).not.toContain('proxyv2:1.30.4');
    expect(run.outputs.step).toBe('data-plane');
    // dev reached 1.31.0 by hand in the one commit: staging's soak runs from that commit's time.
    expect(run.outputs.waiting).toMatch(
      /Wave staging waits for the 2d soak of wave dev's commit [0-9a-f]{12} \(1\.31\.0\) until /,
    );
  }, 600_000);
});
