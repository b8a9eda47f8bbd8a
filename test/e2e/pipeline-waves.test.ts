// Fleet waves through the committed root bundle: a shared istiod base with one version ConfigMap per
// cluster (dev, staging, prod), the GitHub emulator backed by a real bare repo. Time comes only from
// the PRs' merged_at, which the test sets the way a merge long ago would have.
//   run 1 opens dev only and creates the dashboard;
//   dev merges: staging waits for the soak, then for the e2e check, is blocked by a red one, then opens;
//   staging merges: prod waits for its soak, then opens; prod merges: the fleet is current.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  registerChecksAndIssuesRoutes,
  type ChecksAndIssues,
} from '../support/github-emulator/checks-issues.js';
import { buildIstioReleaseHistory } from '../support/github-emulator/releases.js';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { filesUnder, usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT } from '../support/runner.js';

const TOKEN = 'ghs_wavesToken0123456789abcdefABCDEF01';
const FLEET = join(REPO_ROOT, 'test/fixtures/fleet-waves');
const HOUR = 3_600_000;
const git = gitAs(MESH_ADMIN);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('fleet waves: dev → staging → prod over successive runs, gated by soak and checks', () => {
  let github: ChecksAndIssues;
  const person = { login: 'mesh-admin', id: 4242, type: 'User' as const };
  const h = usePipelineHarness({
    name: 'fleet-gitops',
    token: TOKEN,
    files: () => filesUnder(FLEET),
    message: 'Fleet at Istio 1.30.4',
    routes: (emulator, repo) => {
      github = registerChecksAndIssuesRoutes(emulator, repo);
      // A person's issue with the same title: the bot must never edit it.
      github.addIssue({
        title: 'Istio Autopilot dashboard',
        body: 'My own notes on the rollout.',
        user: person,
      });
    },
    // The gates are the subject here; istioctl analyze on wave PRs runs in pipeline-waves-by-hand.
    inputs: { analyze: 'false' },
    downloadBaseUrl: false,
    toolCache: false,
    timeoutMs: 300_000,
  });
  const { runPipeline } = h;

  /** Merges the PR into main as the merge button would, and records merged_at as `mergedAt`. */
  const merge = (number: number, mergedAt: number): string =>
    h.merge(number, { mergedAt: iso(mergedAt), recordSha: true });

  const pullOf = (branch: string) => h.repo.pulls.filter((p) => p.head === branch);
  const changed = (branch: string) =>
    git(h.repo.git.dir, 'diff', '--name-only', `main...${branch}`).split('\n').filter(Boolean);
  const dashboards = () => github.issues.filter((i) => i.title === 'Istio Autopilot dashboard');
  const botDashboard = () => dashboards().filter((i) => i.user.type === 'Bot');

  it('run 1 opens the control plane PR of dev only, and creates the dashboard', async () => {
    const run = await runPipeline();
    expect(h.repo.pulls.map((p) => p.head)).toEqual(['istio-autopilot/control-plane-dev-1.31']);
    const [dev] = h.repo.pulls;
    expect(dev!.title).toBe('Upgrade Istio control-plane in dev from 1.30.4 to 1.31.0');
    expect(changed(dev!.head)).toEqual(['clusters/dev/istio-version.yaml']);
    // The wave's PR carries the upgrade notes of its own hop, as the single PR does.
    expect(dev!.body).toContain('### Upgrade notes that apply (1.30.4 → 1.31.0)');
    expect(git(h.repo.git.dir, 'show', `${dev!.head}:clusters/dev/istio-version.yaml`)).toContain(
      'version: "1.31.0"',
    );
    expect(run.outputs.waiting).toContain(
      `Wave staging waits for wave dev's PR #${dev!.number} (1.31.0) to be merged.`,
    );
    expect(botDashboard()).toHaveLength(1);
    const body = botDashboard()[0]!.body!;
    expect(body).toContain('```mermaid');
    expect(body).toMatch(/- \*\*dev\*\* 1\.30\.4 → 1\.31\.0: .*PR #\d+/);
    expect(body).toMatch(/- \*\*staging\*\* 1\.30\.4 → 1\.31\.0: /);
    expect(body).toMatch(/- \*\*prod\*\* 1\.30\.4 → 1\.31\.0: /);
    expect(body).toContain(`review and merge #${dev!.number}`);
    expect(run.summary).toContain('```mermaid');
    expect(run.outputs['dashboard-issue-number']).toBe(String(botDashboard()[0]!.number));
    // The person's issue with the same title is untouched.
    expect(dashboards().find((i) => i.user.login === person.login)!.body).toBe(
      'My own notes on the rollout.',
    );
  }, 600_000);

  let devMerge = '';
  it('after dev merges, staging waits for the 2d soak and says until when, on one line', async () => {
    const dev = pullOf('istio-autopilot/control-plane-dev-1.31')[0]!;
    const mergedAt = Date.now() - HOUR;
    devMerge = merge(dev.number, mergedAt);
    const run = await runPipeline();
    expect(h.repo.pulls).toHaveLength(1);
    const soakEnd = iso(mergedAt + 48 * HOUR);
    const line = run.outputs.waiting!.split('\n').find((l) => l.includes('staging'))!;
    expect(line).toContain(soakEnd);
    expect(line).toContain(`#${dev.number}`);
    expect(run.stdout).toContain(soakEnd);
    expect(run.summary).toContain(soakEnd);
    expect(botDashboard()).toHaveLength(1);
    expect(botDashboard()[0]!.body).toContain(soakEnd);
  }, 600_000);

  it('once soaked, staging waits for the e2e check: e2e-smoke is not e2e', async () => {
    const dev = pullOf('istio-autopilot/control-plane-dev-1.31')[0]!;
    dev.mergedAt = iso(Date.now() - 72 * HOUR);
    github.addStatus(devMerge, { context: 'e2e-smoke', state: 'success' });
    const run = await runPipeline();
    expect(h.repo.pulls).toHaveLength(1);
    const line = run.outputs.waiting!.split('\n').find((l) => l.includes('staging'))!;
    expect(line).toMatch(/Wave staging waits for check e2e on .* not reported yet/);
  }, 600_000);

  it('a failed e2e check blocks staging and every later wave, and says so', async () => {
    github.addCheckRun(devMerge, {
      name: 'e2e',
      status: 'completed',
      conclusion: 'failure',
      completedAt: iso(Date.now()),
    });
    const run = await runPipeline();
    expect(h.repo.pulls).toHaveLength(1);
    const lines = run.outputs.waiting!.split('\n');
    expect(lines.find((l) => l.includes('Wave staging'))).toMatch(/blocked: check e2e failed/);
    expect(lines.find((l) => l.includes('Wave prod'))).toMatch(/blocked .*check e2e failed in wave dev/);
  }, 600_000);

  it('with the check green and the soak over, staging opens its own PR, touching only its files', async () => {
    github.addCheckRun(devMerge, {
      name: 'e2e',
      status: 'completed',
      conclusion: 'success',
      completedAt: iso(Date.now()),
    });
    const run = await runPipeline();
    const staging = pullOf('istio-autopilot/control-plane-staging-1.31');
    expect(staging).toHaveLength(1);
    expect(changed(staging[0]!.head)).toEqual(['clusters/staging/istio-version.yaml']);
    expect(run.outputs.waiting).toContain(`Wave prod waits for wave staging's PR #${staging[0]!.number}`);
    expect(botDashboard()).toHaveLength(1);
  }, 600_000);

  it('prod likewise: waits for its 36h soak after staging merges, then opens', async () => {
    const staging = pullOf('istio-autopilot/control-plane-staging-1.31')[0]!;
    const mergedAt = Date.now() - 2 * HOUR;
    merge(staging.number, mergedAt);
    let run = await runPipeline();
    expect(pullOf('istio-autopilot/control-plane-prod-1.31')).toHaveLength(0);
    expect(run.outputs.waiting!.split('\n').find((l) => l.includes('prod'))).toContain(
      iso(mergedAt + 36 * HOUR),
    );
    staging.mergedAt = iso(Date.now() - 37 * HOUR);
    run = await runPipeline();
    const prod = pullOf('istio-autopilot/control-plane-prod-1.31');
    expect(prod).toHaveLength(1);
    expect(changed(prod[0]!.head)).toEqual(['clusters/prod/istio-version.yaml']);
    expect(run.outputs.waiting).toBe('');
  }, 600_000);

  it('after prod merges the whole fleet is current, and there was one dashboard issue throughout', async () => {
    const prod = pullOf('istio-autopilot/control-plane-prod-1.31')[0]!;
    merge(prod.number, Date.now());
    const run = await runPipeline();
    expect(run.outputs.operation).toBe('none');
    expect(h.repo.pulls).toHaveLength(3);
    const waves = JSON.parse(run.outputs.waves!) as { wave: string; state: string; controlPlane: string[] }[];
    expect(waves.map((w) => [w.wave, w.state, w.controlPlane])).toEqual([
      ['dev', 'current', ['1.31.0']],
      ['staging', 'current', ['1.31.0']],
      ['prod', 'current', ['1.31.0']],
    ]);
    expect(botDashboard()).toHaveLength(1);
    expect(dashboards()).toHaveLength(2);
    expect(botDashboard()[0]!.body!.length).toBeLessThan(65536);
    expect(botDashboard()[0]!.body).toContain('- **prod** 1.31.0: Wave prod is at 1.31.0');
  }, 600_000);

  it("a newer release moves dev first; staging waits for dev's PR for that target and its own soak, not the old one", async () => {
    h.releases.releases.splice(
      0,
      h.releases.releases.length,
      ...buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 1 } }),
    );
    let run = await runPipeline();
    const devPulls = pullOf('istio-autopilot/control-plane-dev-1.31');
    expect(devPulls).toHaveLength(2);
    const newer = devPulls.find((p) => p.state === 'open')!;
    expect(newer.title).toBe('Upgrade Istio control-plane in dev from 1.31.0 to 1.31.1');
    expect(changed(newer.head)).toEqual(['clusters/dev/istio-version.yaml']);
    expect(run.outputs.waiting).toContain(
      `Wave staging waits for wave dev's PR #${newer.number} (1.31.1) to be merged.`,
    );
    expect(
      pullOf('istio-autopilot/control-plane-staging-1.31').filter((p) => p.state === 'open'),
    ).toHaveLength(0);

    const mergedAt = Date.now() - HOUR;
    const sha = merge(newer.number, mergedAt);
    github.addCheckRun(sha, {
      name: 'e2e',
      status: 'completed',
      conclusion: 'success',
      completedAt: iso(Date.now()),
    });
    run = await runPipeline();
    expect(run.outputs.waiting!.split('\n').find((l) => l.includes('Wave staging'))).toContain(
      iso(mergedAt + 48 * HOUR),
    );
    expect(botDashboard()).toHaveLength(1);
  }, 600_000);
});
