// Opens, updates or leaves alone the one upgrade PR per component and target: commit on a leased
// branch, create-or-update the PR, auto-merge when policy allows, and close the PRs it supersedes.
// This module orders the steps; each lives beside it: upgrade-run.ts (branch and base),
// upgrade-commit.ts (tree and commit), upgrade-publish.ts (the PR, auto-merge) and supersede.ts.
import type { Logger } from '../logger.js';
import type { UpgradeContext } from '../report/pr-body.js';
import type { AutoMergeMethod, AutoMergeWhen } from './auto-merge.js';
import type { GitHubClient } from './client.js';
import { readWorkingTreeChanges, type FileChange, type GitIdentity } from './commit.js';
import { findOpenPull } from './pull-request.js';
import { closeSuperseded } from './supersede.js';
import { commitUpgrade, reportForeignCommit, stageTree } from './upgrade-commit.js';
import { closeWhenNothingChanged, maybeEnableAutoMerge, publishPullRequest } from './upgrade-publish.js';
import { readBase, startUpgradeRun } from './upgrade-run.js';

export type PullRequestOperation = 'created' | 'updated' | 'unchanged' | 'closed' | 'none';

export interface OpenUpgradePullRequestOptions {
  owner: string;
  repo: string;
  /** Default: the repository's default branch. */
  base?: string;
  /** Default: istio-autopilot/<component>-<target minor>. */
  branch?: string;
  title?: string;
  /** Appended to the generated body. */
  body?: string;
  commitMessage?: string;
  /** Git pathspecs: which working-tree changes to commit (default: all). */
  paths?: string[];
  /** The changes to commit, when the caller already has them (else read from the workspace). */
  changes?: FileChange[];
  labels?: string[];
  assignees?: string[];
  reviewers?: string[];
  teamReviewers?: string[];
  draft?: boolean;
  autoMerge?: AutoMergeMethod;
  autoMergeWhen?: AutoMergeWhen;
  signCommits?: boolean;
  author?: GitIdentity;
  committer?: GitIdentity;
  closeSuperseded?: boolean;
  deleteBranchOnClose?: boolean;
  context?: UpgradeContext;
}

export interface OpenUpgradePullRequestDeps {
  octokit: GitHubClient;
  logger: Logger;
  /** The git checkout whose changes are committed (GITHUB_WORKSPACE). */
  workspace: string;
}

export interface OpenUpgradePullRequestResult {
  operation: PullRequestOperation;
  branch: string;
  base: string;
  pullRequest?: { number: number; url: string };
  headSha?: string;
  /** Whether GitHub verified (signed) the commit this run made. */
  verified?: boolean;
  autoMergeEnabled: boolean;
  /** Older PRs for the same component this run closed. */
  superseded: { number: number; url: string }[];
  /** Set when someone else's commits on the branch stopped the update. */
  foreignCommit?: { sha: string; author: string };
}

export async function openUpgradePullRequest(
  options: OpenUpgradePullRequestOptions,
  deps: OpenUpgradePullRequestDeps,
): Promise<OpenUpgradePullRequestResult> {
  const run = await startUpgradeRun(options, deps);
  const { branch, base, repository, step } = run;
  const result: OpenUpgradePullRequestResult = {
    operation: 'none',
    branch,
    base,
    autoMergeEnabled: false,
    superseded: [],
  };
  const changes = options.changes ?? (await readWorkingTreeChanges(deps.workspace, options.paths ?? []));
  const existing = await step('listing open pull requests', () =>
    findOpenPull(run.octokit, repository, branch, base),
  );
  const baseCommit = await readBase(run);
  const tree = await stageTree(run, baseCommit.tree, changes);
  if (tree === baseCommit.tree) {
    const closed = await closeWhenNothingChanged(run, options, existing);
    if (!closed) return result;
    return { ...result, operation: 'closed', pullRequest: { number: closed.number, url: closed.html_url } };
  }

  const update = await commitUpgrade(run, options, baseCommit.sha, tree);
  result.headSha = update.sha;
  if (update.kind === 'foreign') {
    result.foreignCommit = { sha: update.sha, author: update.author };
    await reportForeignCommit(run, result.foreignCommit, existing);
    if (existing) {
      result.pullRequest = { number: existing.number, url: existing.html_url };
      result.operation = 'unchanged';
    }
    return result;
  }
  if (update.kind !== 'unchanged') result.verified = update.verified;

  const { pull, operation } = await publishPullRequest(run, options, existing, update.kind === 'unchanged');
  result.operation = operation;
  result.pullRequest = { number: pull.number, url: pull.html_url };
  result.autoMergeEnabled = await maybeEnableAutoMerge(run, pull, options);
  if (options.closeSuperseded ?? true) {
    const deleteBranch = options.deleteBranchOnClose ?? false;
    result.superseded = await step('closing superseded pull requests', () =>
      closeSuperseded(run.octokit, repository, base, pull, run.metadata, deleteBranch, run.logger),
    );
  }
  return result;
}
