// The branch step of an upgrade PR: which branch, which base, and the base commit the change is built on.
// Every later step runs through `step`, so a GitHub refusal is explained naming what was being done.
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { UpgradeContext } from '../report/pr-body.js';
import type { PullRequestMetadata } from '../report/pr-metadata.js';
import { isValidBranchName, upgradeBranchName } from './branch-name.js';
import { isStatus } from './branch-update.js';
import type { GitHubClient } from './client.js';
import { explainPullRequestError } from './pull-request-errors.js';
import type { OpenUpgradePullRequestDeps, OpenUpgradePullRequestOptions } from './upgrade-pull-request.js';

/** What every step of one upgrade PR run shares. */
export interface UpgradeRun {
  octokit: GitHubClient;
  logger: Logger;
  repository: { owner: string; repo: string };
  /** The repository's GraphQL node id (signed commits go through GraphQL). */
  repositoryNodeId: string;
  branch: string;
  base: string;
  context: UpgradeContext;
  metadata: PullRequestMetadata;
  /** Runs one GitHub call, explaining a refusal as `what` failing on the branch. */
  step: <T>(what: string, call: () => Promise<T>) => Promise<T>;
}

/** Checks the branch name and reads the repository for its default branch (the base when none is given). */
export async function startUpgradeRun(
  options: OpenUpgradePullRequestOptions,
  { octokit, logger }: OpenUpgradePullRequestDeps,
): Promise<UpgradeRun> {
  const repository = { owner: options.owner, repo: options.repo };
  const context = options.context ?? {};
  const component = context.component ?? 'istio';
  const branch = options.branch ?? upgradeBranchName(component, context.to);
  if (!isValidBranchName(branch)) {
    throw new InvalidInputError(`'${branch}' is not a valid branch name`, { input: 'branch' });
  }
  const step = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw explainPullRequestError(error, what, branch);
    }
  };
  const info = await step(
    'reading the repository',
    async () => (await octokit.rest.repos.get(repository)).data,
  );
  const metadata = { component, from: context.from, to: context.to, policy: context.policy };
  return {
    octokit,
    logger,
    repository,
    repositoryNodeId: info.node_id,
    branch,
    base: options.base ?? info.default_branch,
    context,
    metadata,
    step,
  };
}

/** The base branch's tip and its tree; a base that does not exist is the caller's input error. */
export async function readBase(run: UpgradeRun): Promise<{ sha: string; tree: string }> {
  const { octokit, repository, base, step } = run;
  const sha = await step(`reading branch ${base}`, async () => {
    try {
      return (await octokit.rest.git.getRef({ ...repository, ref: `heads/${base}` })).data.object.sha;
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      throw new InvalidInputError(
        `the base branch '${base}' does not exist in ${repository.owner}/${repository.repo}`,
        { input: 'base', cause: error },
      );
    }
  });
  const tree = await step('reading the base commit', async () => {
    return (await octokit.rest.git.getCommit({ ...repository, commit_sha: sha })).data.tree.sha;
  });
  return { sha, tree };
}
