// A wave bumped by hand, with no bot PR: the next wave's soak starts at the commit time (from git) of
// the default branch's commit that first set the wave's pins to the target, and its required checks
// apply to that commit. A shallow checkout says which setting brings the history. The wave PR that
// opens moves the wave's own Istio sources off retired hosts and carries istioctl analyze (real).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  registerChecksAndIssuesRoutes,
  type ChecksAndIssues,
} from '../support/github-emulator/checks-issues.js';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT, type ActionRun } from '../support/runner.js';

const pair = realIstioctlPair();
const TOKEN = 'ghs_wavesByHand0123456789abcdefABCDEF0';
const DAY = 86_400_000;
const git = gitAs(MESH_ADMIN);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const OLD_BUCKET = 'https://istio-release.storage.googleapis.com/charts';
const charts = (cluster: string) =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: istio-${cluster}\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: ${OLD_BUCKET}\n`;

/** Commits the work tree with author and committer dates set to `at`, and pushes main. */
function commitAt(dir: string, message: string, at: number): string {
  const date = new Date(at).toISOString();
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '--quiet', '-m', message], {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: MESH_ADMIN.name,
      GIT_AUTHOR_EMAIL: MESH_ADMIN.email,
      GIT_COMMITTER_NAME: MESH_ADMIN.name,
      GIT_COMMITTER_EMAIL: MESH_ADMIN.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
  git(dir, 'push', '--quiet', 'origin', 'HEAD:main');
  return git(dir, 'rev-parse', 'HEAD').trim();
}

describe.skipIf('skip' in pair)('fleet waves: a previous wave bumped by hand', () => {
  const real = 'skip' in pair ? undefined : pair;
  let github: ChecksAndIssues;
  let handCommit = '';
  let handAt = 0;
  const h = usePipelineHarness({
    name: 'fleet-by-hand',
    token: TOKEN,
    seed: (repo) => {
      const work = mkdtempSync(join(tmpdir(), 'waves-hand-work-'));
      h.scratch.push(work);
      git(work, 'clone', '--quiet', repo.git.dir, '.');
      cpSync(join(REPO_ROOT, 'test/fixtures/fleet-waves'), work, { recursive: true });
      for (const cluster of ['staging', 'prod'])
        writeFileSync(join(work, `clusters/${cluster}/charts.yaml`), charts(cluster));
      const now = Date.now();
      commitAt(work, 'Fleet at Istio 1.30.4', now - 10 * DAY);
      const devVersion = join(work, 'clusters/dev/istio-version.yaml');
      writeFileSync(devVersion, readFileSync(devVersion, 'utf8').replace('1.30.4', '1.31.0'));
      handAt = now - 5 * DAY;
      handCommit = commitAt(work, 'dev to Istio 1.31.0, by hand', handAt);
      // A later, unrelated commit to dev's files: the soak still starts at the bump.
      writeFileSync(join(work, 'clusters/dev/notes.md'), 'dev cluster notes\n');
      commitAt(work, 'Notes', now - 1 * DAY);
    },
    assets: () => [real!.old, real!.new],
    routes: (emulator, repo) => {
      github = registerChecksAndIssuesRoutes(emulator, repo);
    },
  });

  const runPipeline = (cloneArgs: string[]): Promise<ActionRun> => h.runPipeline({ cloneArgs });
  const stagingLine = (run: ActionRun) =>
    run.outputs.waiting!.split('\n').find((l) => l.startsWith('Wave staging'))!;

  it('a shallow checkout keeps staging waiting and names fetch-depth: 0', async () => {
    const run = await runPipeline(['--depth', '1']);
    expect(h.repo.pulls).toEqual([]);
    expect(stagingLine(run)).toContain('dev already runs 1.31.0 without an Istio Autopilot PR');
    expect(stagingLine(run)).toContain('set fetch-depth: 0');
  }, 600_000);

  it('with history, the soak ran from the hand commit and staging waits for e2e on that commit', async () => {
    const run = await runPipeline([]);
    expect(h.repo.pulls).toEqual([]);
    expect(stagingLine(run)).toBe(
      `Wave staging waits for check e2e on wave dev's commit ${handCommit.slice(0, 12)} (made without an Istio Autopilot PR): not reported yet.`,
    );
  }, 600_000);

  it('once e2e is green on the hand commit, staging opens: its ConfigMap and its own retired source, analyzed', async () => {
    github.addStatus(handCommit, { context: 'e2e', state: 'success' });
    const run = await runPipeline([]);
    expect(h.repo.pulls.map((p) => p.head)).toEqual(['istio-autopilot/control-plane-staging-1.31']);
    const [pull] = h.repo.pulls;
    const changed = git(h.repo.git.dir, 'diff', '--name-only', `main...${pull!.head}`).trim().split('\n');
    expect(changed).toEqual(['clusters/staging/charts.yaml', 'clusters/staging/istio-version.yaml']);
    expect(git(h.repo.git.dir, 'show', `${pull!.head}:clusters/staging/charts.yaml`)).not.toContain(
      OLD_BUCKET,
    );
    expect(pull!.body).toContain('Istio sources moved off retired hosts');
    expect(pull!.body).toContain('**istioctl 1.31.0 analyze**: passed');
    expect(run.stdout).toContain(`wave dev's commit ${handCommit.slice(0, 12)}`);
    // The soak started at the hand commit: 5 days ago, well past staging's 2d.
    expect(run.stdout).not.toContain(iso(handAt + 2 * DAY));
  }, 600_000);
});
