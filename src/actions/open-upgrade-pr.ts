// open-upgrade-pr: commits the working-tree changes to the upgrade branch and opens or updates its one PR.
import * as core from '@actions/core';
import { InvalidInputError } from '../core/errors.js';
import { AUTO_MERGE_METHODS, AUTO_MERGE_WHEN } from '../core/github/auto-merge.js';
import { createGitHubClient } from '../core/github/client.js';
import { parseIdentity } from '../core/github/commit.js';
import { parseUpgradeContext } from '../core/github/upgrade-context.js';
import { openUpgradePullRequest } from '../core/github/upgrade-pull-request.js';
import * as entry from './support/entry.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/open-upgrade-pr.ts. */
export function run(): Promise<void> {
  return entry.runEntry(main);
}

async function main(): Promise<void> {
  const { token, apiUrl } = entry.gitHubInputs();
  if (!token)
    throw new InvalidInputError('a token is required to push and open PRs', { input: 'github-token' });
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InvalidInputError('GITHUB_REPOSITORY is not set (owner/repo)');
  const identity = (name: string) => {
    const value = entry.stringInput(name);
    return value ? parseIdentity(value, name) : undefined;
  };
  const octokit = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  const result = await openUpgradePullRequest(
    {
      owner,
      repo,
      base: entry.stringInput('base'),
      branch: entry.stringInput('branch'),
      title: entry.stringInput('title'),
      body: entry.stringInput('body'),
      commitMessage: entry.stringInput('commit-message'),
      paths: entry.listInput('paths'),
      labels: entry.listInput('labels'),
      assignees: entry.listInput('assignees'),
      reviewers: entry.listInput('reviewers'),
      teamReviewers: entry.listInput('team-reviewers'),
      draft: entry.booleanInput('draft', false),
      autoMerge: entry.choiceInput('auto-merge', AUTO_MERGE_METHODS, 'none'),
      autoMergeWhen: entry.choiceInput('auto-merge-when', AUTO_MERGE_WHEN, 'patch'),
      signCommits: entry.booleanInput('sign-commits', true),
      author: identity('author'),
      committer: identity('committer'),
      closeSuperseded: entry.booleanInput('close-superseded', true),
      deleteBranchOnClose: entry.booleanInput('delete-branch-on-close', false),
      context: parseUpgradeContext(process.env.ISTIO_AUTOPILOT_CONTEXT),
    },
    { octokit, logger: entry.actionsLogger, workspace: process.env.GITHUB_WORKSPACE ?? process.cwd() },
  );
  core.setOutput('pull-request-number', result.pullRequest?.number ?? '');
  core.setOutput('pull-request-url', result.pullRequest?.url ?? '');
  core.setOutput('operation', result.operation);
  core.setOutput('branch', result.branch);
  core.setOutput('head-sha', result.headSha ?? '');
  const closed = result.superseded.map((p) => `#${p.number}`).join(', ');
  await entry.writeSummary(
    `### open-upgrade-pr: ${result.operation}\n\n` +
      `${result.pullRequest ? `Pull request: ${result.pullRequest.url}\n\n` : ''}Branch \`${result.branch}\` → \`${result.base}\`` +
      `${result.headSha ? ` at \`${result.headSha.slice(0, 12)}\`` : ''}.${closed ? `\n\nClosed as superseded: ${closed}.` : ''}\n`,
  );
}
