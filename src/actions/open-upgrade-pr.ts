// open-upgrade-pr: commits the working-tree changes to the upgrade branch and opens or updates its one PR.
import * as core from '@actions/core';
import { InvalidInputError } from '../core/errors.js';
import { createGitHubClient } from '../core/github/client.js';
import { parseIdentity } from '../core/github/commit.js';
import { parseUpgradeContext } from '../core/github/upgrade-context.js';
import { openUpgradePullRequest } from '../core/github/upgrade-pull-request.js';
import { OPEN_UPGRADE_PR_OPTIONS } from '../options/open-upgrade-pr.js';
import * as entry from './support/entry.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/open-upgrade-pr.ts. */
export function run(): Promise<void> {
  return entry.runEntry(main);
}

async function main(): Promise<void> {
  const inputs = entry.readInputs(OPEN_UPGRADE_PR_OPTIONS);
  const { token, apiUrl } = entry.gitHubInputs(inputs);
  if (!token)
    throw new InvalidInputError('a token is required to push and open PRs', { input: 'github-token' });
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InvalidInputError('GITHUB_REPOSITORY is not set (owner/repo)');
  const identity = (name: 'author' | 'committer') => {
    const value = inputs[name];
    return value ? parseIdentity(value, name) : undefined;
  };
  const octokit = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  const result = await openUpgradePullRequest(
    {
      owner,
      repo,
      base: inputs.base,
      branch: inputs.branch,
      title: inputs.title,
      body: inputs.body,
      commitMessage: inputs['commit-message'],
      paths: inputs.paths,
      labels: inputs.labels,
      assignees: inputs.assignees,
      reviewers: inputs.reviewers,
      teamReviewers: inputs['team-reviewers'],
      draft: inputs.draft,
      autoMerge: inputs['auto-merge'],
      autoMergeWhen: inputs['auto-merge-when'],
      signCommits: inputs['sign-commits'],
      author: identity('author'),
      committer: identity('committer'),
      closeSuperseded: inputs['close-superseded'],
      deleteBranchOnClose: inputs['delete-branch-on-close'],
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
