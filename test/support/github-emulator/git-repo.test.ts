import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../../src/core/github/client.js';
import { gitAs } from '../git.js';
import { GitHubEmulator } from './server.js';
import { EmulatedRepository } from './git-repo.js';
import { registerGitDataRoutes } from './git-data.js';
import { registerPullRoutes } from './pulls.js';
import { registerGraphQLRoutes } from './graphql.js';

const git = gitAs({ name: 'Dev', email: 'dev@example.com' });

describe('emulated repository backed by a bare git repo', () => {
  let emulator: GitHubEmulator;
  let repo: EmulatedRepository;
  let octokit: GitHubClient;
  const o = { owner: 'octo-org', repo: 'mesh-gitops' };

  beforeEach(async () => {
    repo = await EmulatedRepository.create('octo-org', 'mesh-gitops');
    await repo.git.commitFiles(
      'main',
      { 'README.md': 'hello\n', 'bin/run.sh': { content: '#!/bin/sh\n', mode: '100755' } },
      'initial',
    );
    emulator = await new GitHubEmulator().start();
    registerGitDataRoutes(emulator, repo);
    registerPullRoutes(emulator, repo);
    registerGraphQLRoutes(emulator, repo);
    octokit = createGitHubClient({ token: 'test-token', apiUrl: emulator.url, retries: 0 });
  });

  afterEach(async () => {
    await emulator.stop();
    repo.remove();
    expect(emulator.schemaViolations).toEqual([]);
  });

  it('shares one history between a git push from a clone and API commits', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'clone-'));
    git(clone, 'clone', '--quiet', repo.git.dir, '.');
    writeFileSync(join(clone, 'pushed.txt'), 'from git\n');
    git(clone, 'add', 'pushed.txt');
    git(clone, 'commit', '--quiet', '-m', 'pushed');
    git(clone, 'push', '--quiet', 'origin', 'main');
    const pushed = git(clone, 'rev-parse', 'HEAD');

    const { data: ref } = await octokit.rest.git.getRef({ ...o, ref: 'heads/main' });
    expect(ref.object.sha).toBe(pushed);

    const { data: blob } = await octokit.rest.git.createBlob({
      ...o,
      content: Buffer.from('api\n').toString('base64'),
      encoding: 'base64',
    });
    const { data: tree } = await octokit.rest.git.createTree({
      ...o,
      base_tree: (await octokit.rest.git.getCommit({ ...o, commit_sha: pushed })).data.tree.sha,
      tree: [
        { path: 'deep/dir/api.txt', mode: '100755', type: 'blob', sha: blob.sha },
        { path: 'README.md', mode: '100644', type: 'blob', content: 'changed\n' },
      ],
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      ...o,
      message: 'api commit',
      tree: tree.sha,
      parents: [pushed],
    });
    await octokit.rest.git.updateRef({ ...o, ref: 'heads/main', sha: commit.sha });

    git(clone, 'pull', '--quiet', '--ff-only');
    expect(readFileSync(join(clone, 'README.md'), 'utf8')).toBe('changed\n');
    expect(readFileSync(join(clone, 'pushed.txt'), 'utf8')).toBe('from git\n');
    expect(statSync(join(clone, 'deep/dir/api.txt')).mode & 0o111).not.toBe(0);
    expect(statSync(join(clone, 'bin/run.sh')).mode & 0o111).not.toBe(0);
    expect(git(clone, 'log', '--format=%s').split('\n')).toEqual(['api commit', 'pushed', 'initial']);
  });

  it('signs commits made without an identity and leaves others unverified', async () => {
    const tip = (await repo.git.resolveRef('refs/heads/main'))!;
    const tree = await repo.git.treeOf(tip);
    const signed = await octokit.rest.git.createCommit({ ...o, message: 'signed', tree, parents: [tip] });
    expect(signed.data.verification?.verified).toBe(true);
    expect(signed.data.author.name).toBe('github-actions[bot]');
    const unsigned = await octokit.rest.git.createCommit({
      ...o,
      message: 'unsigned',
      tree,
      parents: [tip],
      author: { name: 'Bot', email: 'bot@example.com' },
    });
    expect(unsigned.data.verification?.verified).toBe(false);
    expect(
      (await octokit.rest.git.getCommit({ ...o, commit_sha: unsigned.data.sha })).data.author.email,
    ).toBe('bot@example.com');
  });

  it('refuses a non-fast-forward ref update unless forced, and an existing ref on create', async () => {
    const tip = (await repo.git.resolveRef('refs/heads/main'))!;
    await octokit.rest.git.createRef({ ...o, ref: 'refs/heads/topic', sha: tip });
    await expect(
      octokit.rest.git.createRef({ ...o, ref: 'refs/heads/topic', sha: tip }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/already exists/) });
    const side = await octokit.rest.git.createCommit({
      ...o,
      message: 'side',
      tree: await repo.git.treeOf(tip),
      parents: [],
    });
    await expect(
      octokit.rest.git.updateRef({ ...o, ref: 'heads/topic', sha: side.data.sha }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/fast forward/) });
    await octokit.rest.git.updateRef({ ...o, ref: 'heads/topic', sha: side.data.sha, force: true });
    expect(await repo.git.resolveRef('refs/heads/topic')).toBe(side.data.sha);
    await octokit.rest.git.deleteRef({ ...o, ref: 'heads/topic' });
    expect(await repo.git.resolveRef('refs/heads/topic')).toBeUndefined();
  });

  it('lists recursive trees with modes and returns blobs in base64', async () => {
    const tip = (await repo.git.resolveRef('refs/heads/main'))!;
    const { data } = await octokit.rest.git.getTree({ ...o, tree_sha: tip, recursive: 'true' });
    expect(data.tree.map((e) => `${e.mode} ${e.path}`)).toEqual([
      '100644 README.md',
      '040000 bin',
      '100755 bin/run.sh',
    ]);
    const blob = await octokit.rest.git.getBlob({ ...o, file_sha: data.tree[0]!.sha! });
    expect(Buffer.from(blob.data.content, 'base64').toString()).toBe('hello\n');
  });

  it('swaps a ref through GraphQL updateRefs only while it still has the expected value', async () => {
    const tip = (await repo.git.resolveRef('refs/heads/main'))!;
    const other = await repo.git.commitFiles('topic', { 'a.txt': 'a\n' }, 'topic');
    const mutation = 'mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }';
    const stale = octokit.graphql(mutation, {
      input: {
        repositoryId: repo.nodeId,
        refUpdates: [{ name: 'refs/heads/topic', beforeOid: tip, afterOid: tip, force: true }],
      },
    });
    await expect(stale).rejects.toThrow(/expected/);
    await octokit.graphql(mutation, {
      input: {
        repositoryId: repo.nodeId,
        refUpdates: [{ name: 'refs/heads/topic', beforeOid: other, afterOid: tip, force: true }],
      },
    });
    expect(await repo.git.resolveRef('refs/heads/topic')).toBe(tip);
  });

  it('opens one pull request per head and answers a second create with 422 already exists', async () => {
    await repo.git.commitFiles('upgrade', { 'a.txt': 'a\n' }, 'upgrade');
    const created = await octokit.rest.pulls.create({
      ...o,
      head: 'upgrade',
      base: 'main',
      title: 't',
      body: 'b',
      draft: true,
    });
    expect(created.data.draft).toBe(true);
    await expect(
      octokit.rest.pulls.create({ ...o, head: 'upgrade', base: 'main', title: 't' }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/A pull request already exists for octo-org:upgrade/),
    });
    await octokit.rest.issues.addLabels({ ...o, issue_number: created.data.number, labels: ['istio'] });
    await octokit.rest.issues.addAssignees({ ...o, issue_number: created.data.number, assignees: ['alice'] });
    await octokit.rest.pulls.requestReviewers({
      ...o,
      pull_number: created.data.number,
      reviewers: ['bob'],
      team_reviewers: ['mesh'],
    });
    await octokit.rest.issues.createComment({ ...o, issue_number: created.data.number, body: 'hi' });
    const listed = await octokit.rest.pulls.list({ ...o, head: 'octo-org:upgrade', state: 'open' });
    expect(
      listed.data.map((p) => [p.number, p.labels.map((l) => l.name), p.requested_teams?.map((t) => t.slug)]),
    ).toEqual([[created.data.number, ['istio'], ['mesh']]]);
    await octokit.rest.pulls.update({ ...o, pull_number: created.data.number, state: 'closed' });
    expect((await octokit.rest.pulls.list({ ...o, state: 'open' })).data).toEqual([]);
    expect((await octokit.rest.repos.get(o)).data.default_branch).toBe('main');
  });

  it('rejects what real repositories reject: Actions PR creation, protected branches, workflow files', async () => {
    const tip = (await repo.git.resolveRef('refs/heads/main'))!;
    await repo.git.commitFiles('upgrade', { 'a.txt': 'a\n' }, 'upgrade');
    repo.rules.actionsMayCreatePullRequests = false;
    await expect(
      octokit.rest.pulls.create({ ...o, head: 'upgrade', base: 'main', title: 't' }),
    ).rejects.toThrow(/GitHub Actions is not permitted to create or approve pull requests/);
    repo.rules.protectedBranches = ['istio-autopilot/*'];
    await expect(
      octokit.rest.git.createRef({ ...o, ref: 'refs/heads/istio-autopilot/x', sha: tip }),
    ).rejects.toThrow(/Protected branch/);
    repo.rules.workflowsPermission = false;
    const tree = await repo.git.writeTree(
      [{ path: '.github/workflows/ci.yml', mode: '100644', content: 'on: push\n' }],
      await repo.git.treeOf(tip),
    );
    const commit = await repo.git.writeCommit({
      tree,
      parents: [tip],
      message: 'wf',
      author: { name: 'a', email: 'a@b' },
      committer: { name: 'a', email: 'a@b' },
    });
    await expect(octokit.rest.git.createRef({ ...o, ref: 'refs/heads/wf', sha: commit })).rejects.toThrow(
      /without `workflows` permission/,
    );
  });

  it('enables auto-merge through GraphQL', async () => {
    await repo.git.commitFiles('upgrade', { 'a.txt': 'a\n' }, 'upgrade');
    const created = await octokit.rest.pulls.create({ ...o, head: 'upgrade', base: 'main', title: 't' });
    await octokit.graphql(
      'mutation($input: EnablePullRequestAutoMergeInput!) { enablePullRequestAutoMerge(input: $input) { clientMutationId } }',
      {
        input: { pullRequestId: created.data.node_id, mergeMethod: 'SQUASH' },
      },
    );
    const { data } = await octokit.rest.pulls.get({ ...o, pull_number: created.data.number });
    expect(data.auto_merge?.merge_method).toBe('squash');
  });
});
