// The pull request steps of an upgrade: find the open one, create it (a lost creation race becomes an
// update), label and assign it, comment once, and close it (deleting only our own branch).
import type { Logger } from '../logger.js';
import { BRANCH_PREFIX } from './branch-name.js';
import { isAutopilotCommit, isStatus } from './branch-update.js';
import type { GitHubClient } from './client.js';
import type { OpenUpgradePullRequestOptions } from './upgrade-pull-request.js';

/** The fields of an open pull request the upgrade steps read. */
export interface OpenPull {
  number: number;
  html_url: string;
  node_id: string;
  title: string;
  body?: string | null;
  user: { login: string } | null;
  head: { ref: string; sha: string };
  auto_merge?: unknown;
}

export async function findOpenPull(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  branch: string,
  base: string,
): Promise<OpenPull | undefined> {
  const { data } = await octokit.rest.pulls.list({
    ...repository,
    head: `${repository.owner}:${branch}`,
    base,
    state: 'open',
  });
  return data[0];
}

export async function branchIsOurs(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  pull: OpenPull,
  branch: string,
): Promise<boolean> {
  const { data } = await octokit.rest.git.getCommit({ ...repository, commit_sha: pull.head.sha });
  return isAutopilotCommit(data.message, branch);
}

export async function createPull(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  request: { branch: string; base: string; title: string; body: string; draft: boolean },
): Promise<{ pull: OpenPull; created: boolean }> {
  try {
    const { data } = await octokit.rest.pulls.create({
      ...repository,
      head: request.branch,
      base: request.base,
      title: request.title,
      body: request.body,
      draft: request.draft,
    });
    return { pull: data, created: true };
  } catch (error) {
    // Another run opened it a moment ago: update that one instead of failing or duplicating.
    if (!(isStatus(error, 422) && /already exists/i.test(String((error as Error).message)))) throw error;
    const pull = await findOpenPull(octokit, repository, request.branch, request.base);
    if (!pull) throw error;
    return { pull, created: false };
  }
}

export async function decorate(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  number: number,
  options: Pick<OpenUpgradePullRequestOptions, 'labels' | 'assignees' | 'reviewers' | 'teamReviewers'>,
): Promise<void> {
  if (options.labels?.length)
    await octokit.rest.issues.addLabels({ ...repository, issue_number: number, labels: options.labels });
  if (options.assignees?.length) {
    await octokit.rest.issues.addAssignees({
      ...repository,
      issue_number: number,
      assignees: options.assignees,
    });
  }
  if (options.reviewers?.length || options.teamReviewers?.length) {
    await octokit.rest.pulls.requestReviewers({
      ...repository,
      pull_number: number,
      reviewers: options.reviewers ?? [],
      team_reviewers: options.teamReviewers ?? [],
    });
  }
}

export async function closePull(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  pull: OpenPull,
  comment: string,
  deleteBranch: boolean,
  logger: Logger,
): Promise<void> {
  await octokit.rest.issues.createComment({ ...repository, issue_number: pull.number, body: comment });
  await octokit.rest.pulls.update({ ...repository, pull_number: pull.number, state: 'closed' });
  logger.info(`Closed #${pull.number}.`);
  // Only our own branches are deleted, and only when they still hold only our commit.
  if (deleteBranch && pull.head.ref.startsWith(BRANCH_PREFIX)) {
    const { data } = await octokit.rest.git.getCommit({ ...repository, commit_sha: pull.head.sha });
    if (isAutopilotCommit(data.message, pull.head.ref)) {
      await octokit.rest.git
        .deleteRef({ ...repository, ref: `heads/${pull.head.ref}` })
        .catch((error: unknown) => {
          logger.warning(`Could not delete branch ${pull.head.ref}: ${(error as Error).message}`);
        });
    } else {
      logger.warning(`Kept branch ${pull.head.ref}: it has commits Istio Autopilot did not make.`);
    }
  }
}

/** Comments unless a comment carrying `marker` is already there (so reruns do not pile up). */
export async function commentOnce(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  number: number,
  marker: string,
  text: string,
): Promise<void> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repository,
    issue_number: number,
    per_page: 100,
  });
  if (comments.some((c) => c.body?.includes(`<!-- ${marker} -->`))) return;
  await octokit.rest.issues.createComment({
    ...repository,
    issue_number: number,
    body: `${text}\n\n<!-- ${marker} -->`,
  });
}
