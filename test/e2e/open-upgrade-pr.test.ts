// open-upgrade-pr through its committed bundle against the GitHub emulator, backed by a real bare repo.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { runAction, type ActionRun } from '../support/runner.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { EmulatedRepository } from '../support/github-emulator/git-repo.js';
import { registerGitDataRoutes } from '../support/github-emulator/git-data.js';
import { registerPullRoutes } from '../support/github-emulator/pulls.js';
import { registerGraphQLRoutes } from '../support/github-emulator/graphql.js';
import { parseMetadata } from '../../src/core/report/pr-metadata.js';

const TOKEN = 'ghs_e2eSecretToken0123456789abcdefABCDEF';
const VERSION_FILE = 'clusters/prod/istio/version.yaml';

const git = gitAs(MESH_ADMIN);

describe('open-upgrade-pr', () => {
  let emulator: GitHubEmulator;
  let repo: EmulatedRepository;
  const runs: ActionRun[] = [];

  beforeEach(async () => {
    repo = await EmulatedRepository.create('octo-org', 'mesh-gitops');
    await repo.git.commitFiles(
      'main',
      {
        [VERSION_FILE]: 'version: 1.24.1 # pinned by Istio Autopilot\n',
        'scripts/upgrade.sh': { content: '#!/bin/sh\necho 1.24.1\n', mode: '100755' },
        '.github/workflows/ci.yml': 'on: push\n',
      },
      'initial',
    );
    emulator = await new GitHubEmulator().start();
    emulator.validTokens.add(TOKEN);
    registerGitDataRoutes(emulator, repo);
    registerPullRoutes(emulator, repo);
    registerGraphQLRoutes(emulator, repo);
  });

  afterEach(async () => {
    await emulator.stop();
    repo.remove();
    expect(emulator.schemaViolations).toEqual([]);
    // The token is registered with ::add-mask:: first, and appears nowhere else a run leaves text.
    for (const run of runs.splice(0)) {
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe(`::add-mask::${TOKEN}`);
      const rest = [lines.slice(1).join('\n'), run.stderr, run.summary, ...Object.values(run.outputs)];
      for (const text of rest) expect(text).not.toContain(TOKEN);
    }
  });

  /** A fresh checkout of main with the pin bumped to `to` (and any extra edits). */
  function workspaceWith(to: string, edit?: (dir: string) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'workspace-'));
    git(dir, 'clone', '--quiet', repo.git.dir, '.');
    writeFileSync(join(dir, VERSION_FILE), `version: ${to} # pinned by Istio Autopilot\n`);
    edit?.(dir);
    return dir;
  }

  async function run(
    to: string,
    options: {
      from?: string;
      inputs?: Record<string, string>;
      edit?: (dir: string) => void;
      cwd?: string;
    } = {},
  ) {
    const context = {
      component: 'control-plane',
      from: options.from ?? '1.24.1',
      to,
      policy: 'minor',
      advisoriesFixed: [
        {
          id: 'ISTIO-SECURITY-2025-001',
          url: 'https://istio.io/latest/news/security/istio-security-2025-001/',
        },
      ],
      pins: [{ file: VERSION_FILE, line: 1, kind: 'istio-version-file', from: options.from ?? '1.24.1', to }],
    };
    const result = await runAction('open-upgrade-pr', {
      cwd: options.cwd ?? workspaceWith(to, options.edit),
      inputs: { 'github-token': TOKEN, 'github-api-url': emulator.url, ...options.inputs },
      env: { GITHUB_API_URL: emulator.url, ISTIO_AUTOPILOT_CONTEXT: JSON.stringify(context) },
      timeoutMs: 120_000,
    });
    runs.push(result);
    return result;
  }

  const openPulls = () => repo.pulls.filter((p) => p.state === 'open');
  const warnings = (r: ActionRun) =>
    r.commands
      .filter((c) => c.command === 'warning')
      .map((c) => c.message)
      .join('\n');
  const failure = (r: ActionRun) =>
    r.commands
      .filter((c) => c.command === 'error')
      .map((c) => c.message)
      .join('\n');

  it('creates the PR with the commit on a deterministic branch, metadata, labels and reviewers', async () => {
    const result = await run('1.24.2', {
      inputs: { labels: 'istio, dependencies', reviewers: 'alice', 'team-reviewers': 'mesh' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.operation).toBe('created');
    expect(result.outputs.branch).toBe('istio-autopilot/control-plane-1.24');
    const [pull] = openPulls();
    expect(pull).toBeDefined();
    expect(result.outputs['pull-request-number']).toBe(String(pull!.number));
    expect(result.outputs['pull-request-url']).toMatch(new RegExp(`/pull/${pull!.number}$`));
    expect(parseMetadata(pull!.body)).toEqual({
      component: 'control-plane',
      from: '1.24.1',
      to: '1.24.2',
      policy: 'minor',
    });
    expect(pull!.body).toContain(
      '[ISTIO-SECURITY-2025-001](https://istio.io/latest/news/security/istio-security-2025-001/)',
    );
    expect(pull!.labels).toEqual(['istio', 'dependencies']);
    expect([pull!.requestedReviewers, pull!.requestedTeams]).toEqual([['alice'], ['mesh']]);
    const head = await repo.git.resolveRef('refs/heads/istio-autopilot/control-plane-1.24');
    expect(result.outputs['head-sha']).toBe(head);
    expect(await repo.git.git(['show', `${head}:${VERSION_FILE}`])).toBe(
      'version: 1.24.2 # pinned by Istio Autopilot',
    );
    expect((await repo.git.readCommit(head!))!.parents).toEqual([
      await repo.git.resolveRef('refs/heads/main'),
    ]);
    // Opened with the Actions bot's token: the user is told the PR triggers no workflows.
    expect(warnings(result)).toMatch(/GITHUB_TOKEN, so GitHub runs no workflows/);
  });

  it('reports unchanged on a re-run with the same change, and updates the same PR for a new target', async () => {
    const first = await run('1.24.2');
    const again = await run('1.24.2');
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.outputs.operation).toBe('unchanged');
    expect(again.outputs['head-sha']).toBe(first.outputs['head-sha']);
    expect(again.outputs['pull-request-number']).toBe(first.outputs['pull-request-number']);

    const newer = await run('1.24.3');
    expect(newer.outputs.operation).toBe('updated');
    expect(newer.outputs['pull-request-number']).toBe(first.outputs['pull-request-number']);
    expect(newer.outputs['head-sha']).not.toBe(first.outputs['head-sha']);
    expect(openPulls()).toHaveLength(1);
    expect(parseMetadata(openPulls()[0]!.body)?.to).toBe('1.24.3');
    expect(openPulls()[0]!.title).toBe('Upgrade Istio control-plane from 1.24.1 to 1.24.3');
  });

  it('closes a superseded PR for an older target with a comment linking the new one, deleting its branch', async () => {
    const old = await run('1.24.2');
    const next = await run('1.25.0', { inputs: { 'delete-branch-on-close': 'true' } });
    expect(next.exitCode, next.stdout).toBe(0);
    expect(next.outputs.operation).toBe('created');
    expect(next.outputs.branch).toBe('istio-autopilot/control-plane-1.25');
    const oldPull = repo.pull(Number(old.outputs['pull-request-number']))!;
    expect(oldPull.state).toBe('closed');
    expect(oldPull.comments.map((c) => c.body).join('\n')).toContain(
      `#${next.outputs['pull-request-number']}`,
    );
    expect(oldPull.comments.map((c) => c.body).join('\n')).toContain(next.outputs['pull-request-url']);
    expect(await repo.git.resolveRef('refs/heads/istio-autopilot/control-plane-1.24')).toBeUndefined();
    expect(openPulls().map((p) => p.number)).toEqual([Number(next.outputs['pull-request-number'])]);
  });

  it('gives one PR when two runs race', async () => {
    const [a, b] = await Promise.all([run('1.24.2'), run('1.24.2')]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(openPulls()).toHaveLength(1);
    // One run creates; the other finds the same change already there (or loses the race and updates).
    expect([a.outputs.operation, b.outputs.operation].filter((o) => o === 'created')).toHaveLength(1);
    expect(a.outputs['pull-request-number']).toBe(b.outputs['pull-request-number']);
    expect(a.outputs['head-sha']).toBe(b.outputs['head-sha']);
  });

  it('turns a lost creation race (422 already exists) into an update of the existing PR', async () => {
    const first = await run('1.24.2');
    // The next run lists no PR, as if the other run had not opened it yet, then loses the create.
    emulator.injectFault(/\/pulls$/, { kind: 'status', status: 200, body: [] }, { method: 'GET' });
    const late = await run('1.24.3');
    expect(late.exitCode, late.stdout).toBe(0);
    const creates = emulator.requests.filter(
      (r) => r.method === 'POST' && r.path === '/repos/octo-org/mesh-gitops/pulls',
    );
    expect(creates.map((r) => r.status)).toEqual([201, 422]);
    expect(late.outputs.operation).toBe('updated');
    expect(late.outputs['pull-request-number']).toBe(first.outputs['pull-request-number']);
    expect(openPulls()).toHaveLength(1);
    expect(parseMetadata(openPulls()[0]!.body)?.to).toBe('1.24.3');
  });

  it('keeps a commit a human pushed to the branch, warning and commenting instead', async () => {
    const first = await run('1.24.2');
    const clone = mkdtempSync(join(tmpdir(), 'human-'));
    git(clone, 'clone', '--quiet', '--branch', first.outputs.branch!, repo.git.dir, '.');
    writeFileSync(join(clone, 'NOTES.md'), 'tested on staging\n');
    git(clone, 'add', 'NOTES.md');
    git(clone, 'commit', '--quiet', '-m', 'Add staging notes');
    git(clone, 'push', '--quiet', 'origin', first.outputs.branch!);
    const humanTip = git(clone, 'rev-parse', 'HEAD');

    const second = await run('1.24.3');
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs.operation).toBe('unchanged');
    expect(await repo.git.resolveRef(`refs/heads/${first.outputs.branch}`)).toBe(humanTip);
    expect(warnings(second)).toMatch(/commits that Istio Autopilot did not make/);
    const pull = repo.pull(Number(first.outputs['pull-request-number']))!;
    expect(pull.comments.filter((c) => c.body.includes(humanTip))).toHaveLength(1);
    // A third run does not pile up another comment.
    await run('1.24.3');
    expect(pull.comments.filter((c) => c.body.includes(humanTip))).toHaveLength(1);
  });

  it('signs commits through the Git Data API and keeps file modes and executable bits', async () => {
    const result = await run('1.24.2', {
      edit: (dir) => {
        writeFileSync(join(dir, 'scripts/upgrade.sh'), '#!/bin/sh\necho 1.24.2\n');
        writeFileSync(join(dir, 'scripts/verify.sh'), '#!/bin/sh\nistioctl version\n');
        chmodSync(join(dir, 'scripts/verify.sh'), 0o755);
        writeFileSync(join(dir, 'scripts/README'), 'plain file\n');
      },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const head = result.outputs['head-sha']!;
    const tree = await repo.git.readTree(head, true);
    const modes = Object.fromEntries(tree!.filter((e) => e.type === 'blob').map((e) => [e.path, e.mode]));
    expect(modes).toEqual({
      '.github/workflows/ci.yml': '100644',
      [VERSION_FILE]: '100644',
      'scripts/README': '100644',
      'scripts/upgrade.sh': '100755',
      'scripts/verify.sh': '100755',
    });
    expect(repo.verifiedCommits.has(head)).toBe(true);
    expect((await repo.git.readCommit(head))!.author.name).toBe('github-actions[bot]');
    // The tree is exactly the checkout's: the bytes match what was written.
    expect(await repo.git.git(['show', `${head}:scripts/verify.sh`])).toBe('#!/bin/sh\nistioctl version');
  });

  it('uses the given identity and leaves the commit unsigned when sign-commits is false', async () => {
    const result = await run('1.24.2', {
      inputs: { 'sign-commits': 'false', author: 'Mesh Bot <mesh-bot@example.com>' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const commit = (await repo.git.readCommit(result.outputs['head-sha']!))!;
    expect([commit.author.email, commit.committer.email]).toEqual([
      'mesh-bot@example.com',
      'mesh-bot@example.com',
    ]);
    expect(repo.verifiedCommits.has(commit.sha)).toBe(false);
  });

  it('retries a 502 and then succeeds', async () => {
    emulator.injectFault(
      '/repos/octo-org/mesh-gitops/pulls',
      { kind: 'status', status: 502, body: { message: 'Bad Gateway' } },
      { method: 'POST' },
    );
    const result = await run('1.24.2');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.operation).toBe('created');
    const creates = emulator.requests.filter(
      (r) => r.method === 'POST' && r.path === '/repos/octo-org/mesh-gitops/pulls',
    );
    expect(creates.map((r) => r.status)).toEqual([502, 201]);
    expect(openPulls()).toHaveLength(1);
  });

  it('waits out a secondary rate limit with Retry-After and then succeeds', async () => {
    emulator.injectFault('/git/trees', { kind: 'secondary-rate-limit', retryAfter: 1 }, { method: 'POST' });
    const result = await run('1.24.2');
    expect(result.exitCode, result.stdout).toBe(0);
    const trees = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git/trees'));
    expect(trees.map((r) => r.status)).toEqual([403, 201]);
    expect(result.stdout).toMatch(/secondary rate limit .* retrying in 1s/);
  });

  it('names the Actions setting when GitHub Actions may not create pull requests', async () => {
    repo.rules.actionsMayCreatePullRequests = false;
    const result = await run('1.24.2');
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(/not permitted to create or approve pull requests/);
    expect(failure(result)).toMatch(/Allow GitHub Actions to create and approve pull requests/);
  });

  it('names the workflows permission when the change touches .github/workflows', async () => {
    repo.rules.workflowsPermission = false;
    const result = await run('1.24.2', {
      edit: (dir) => writeFileSync(join(dir, '.github/workflows/ci.yml'), 'on: [push]\n'),
    });
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(/\.github\/workflows\/ci\.yml.*`workflows` permission/);
    expect(failure(result)).toMatch(/Workflows: read and write/);
  });

  it('says the branch is protected when a rule rejects the update', async () => {
    repo.rules.protectedBranches = ['istio-autopilot/*'];
    const result = await run('1.24.2');
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(
      /refused to update branch 'istio-autopilot\/control-plane-1.24': it is protected/,
    );
    expect(openPulls()).toHaveLength(0);
  });
});
