// Opens, updates or leaves alone the one upgrade PR per component and target: commit on a leased
// branch, create-or-update the PR, auto-merge when policy allows, and close the PRs it supersedes.
// The steps live beside it: commit.ts and branch-update.ts (branch, commit), pull-request.ts (PR),
// supersede.ts; this module orders them.
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { buildPullRequestBody, upgradeTitle, type UpgradeContext } from '../report/pr-body.js';
import {
  autoMergeDecision,
  enableAutoMerge,
  type AutoMergeMethod,
  type AutoMergeWhen,
} from './auto-merge.js';
import { isValidBranchName, upgradeBranchName } from './branch-name.js';
import { isStatus, updateUpgradeBranch } from './branch-update.js';
import type { GitHubClient } from './client.js';
import {
  ACTIONS_BOT_IDENTITY,
  createTreeFromChanges,
  readWorkingTreeChanges,
  type FileChange,
  type GitIdentity,
} from './commit.js';
import { explainPullRequestError } from './pull-request-errors.js';
import type { PullRequestMetadata } from '../report/pr-metadata.js';
import {
  branchIsOurs,
  closePull,
  commentOnce,
  createPull,
  decorate,
  findOpenPull,
  type OpenPull,
} from './pull-request.js';
import { closeSuperseded } from './supersede.js';

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

const FOREIGN_MARKER = 'istio-autopilot:foreign-commits';

export async function openUpgradePullRequest(
  options: OpenUpgradePullRequestOptions,
  deps: OpenUpgradePullRequestDeps,
): Promise<OpenUpgradePullRequestResult> {
  const { octokit, logger } = deps;
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

  const repoInfo = await step(
    'reading the repository',
    async () => (await octokit.rest.repos.get(repository)).data,
  );
  const base = options.base ?? repoInfo.default_branch;
  const result: OpenUpgradePullRequestResult = {
    operation: 'none',
    branch,
    base,
    autoMergeEnabled: false,
    superseded: [],
  };
  const metadata = pullRequestMetadata(context);

  const changes = options.changes ?? (await readWorkingTreeChanges(deps.workspace, options.paths ?? []));
  const existing = await step('listing open pull requests', () =>
    findOpenPull(octokit, repository, branch, base),
  );

  const baseSha = await step(`reading branch ${base}`, async () => {
    try {
      return (await octokit.rest.git.getRef({ ...repository, ref: `heads/${base}` })).data.object.sha;
    } catch (error) {
      if (isStatus(error, 404)) {
        throw new InvalidInputError(
          `the base branch '${base}' does not exist in ${options.owner}/${options.repo}`,
          {
            input: 'base',
            cause: error,
          },
        );
      }
      throw error;
    }
  });
  const baseTree = await step('reading the base commit', async () => {
    return (await octokit.rest.git.getCommit({ ...repository, commit_sha: baseSha })).data.tree.sha;
  });
  const tree = changes.length
    ? await step('uploading the changed files', () =>
        createTreeFromChanges(octokit, repository, baseTree, changes),
      )
    : baseTree;

  if (tree === baseTree) {
    logger.info(
      `No changes under ${(options.paths ?? []).join(', ') || 'the working tree'} differ from ${base}.`,
    );
    if (existing && (await branchIsOurs(octokit, repository, existing, branch))) {
      await step('closing the pull request', () =>
        closePull(
          octokit,
          repository,
          existing,
          `${base} already contains these changes, so this upgrade PR is no longer needed.`,
          options.deleteBranchOnClose ?? false,
          logger,
        ),
      );
      return {
        ...result,
        operation: 'closed',
        pullRequest: { number: existing.number, url: existing.html_url },
      };
    }
    return result;
  }

  const message = options.commitMessage ?? upgradeTitle(context);
  const sign = options.signCommits ?? false;
  if (sign && (options.author || options.committer)) {
    logger.notice(
      'author and committer are ignored with sign-commits: GitHub signs only commits it authors itself.',
    );
  }
  const update = await step(`committing to ${branch}`, () =>
    updateUpgradeBranch(
      octokit,
      { ...repository, nodeId: repoInfo.node_id },
      { branch, baseSha, tree, message, sign, author: options.author, committer: options.committer },
      logger,
    ),
  );
  result.headSha = update.sha;
  if (update.kind === 'foreign') {
    result.foreignCommit = { sha: update.sha, author: update.author };
    const warning =
      `${branch} has commits that Istio Autopilot did not make (tip ${update.sha.slice(0, 12)} by ${update.author}); ` +
      'it left the branch alone. Merge or close the PR, or delete the branch, to let it continue.';
    logger.warning(warning);
    if (existing) {
      await step('commenting on the pull request', () =>
        commentOnce(
          octokit,
          repository,
          existing.number,
          `${FOREIGN_MARKER} ${update.sha}`,
          `⚠️ ${warning}${context.to ? ` The newest target is ${context.to}.` : ''}`,
        ),
      );
      result.pullRequest = { number: existing.number, url: existing.html_url };
      result.operation = 'unchanged';
    }
    return result;
  }
  if (update.kind !== 'unchanged') result.verified = update.verified;

  const { pull, operation } = await publishPullRequest(
    { octokit, logger, repository, branch, base, step },
    options,
    existing,
    update.kind === 'unchanged',
  );
  result.operation = operation;
  result.pullRequest = { number: pull.number, url: pull.html_url };
  result.autoMergeEnabled = await maybeEnableAutoMerge(octokit, pull, options, context, logger);
  if (options.closeSuperseded ?? true) {
    result.superseded = await step('closing superseded pull requests', () =>
      closeSuperseded(
        octokit,
        repository,
        base,
        pull,
        metadata,
        options.deleteBranchOnClose ?? false,
        logger,
      ),
    );
  }
  return result;
}

interface Steps {
  octokit: GitHubClient;
  logger: Logger;
  repository: { owner: string; repo: string };
  branch: string;
  base: string;
  step: <T>(what: string, call: () => Promise<T>) => Promise<T>;
}

/** Creates the PR, or brings an open one's title and body up to date; labels and assigns what changed. */
async function publishPullRequest(
  { octokit, logger, repository, branch, base, step }: Steps,
  options: OpenUpgradePullRequestOptions,
  existing: OpenPull | undefined,
  commitUnchanged: boolean,
): Promise<{ pull: OpenPull; operation: PullRequestOperation }> {
  const context = options.context ?? {};
  const metadata = pullRequestMetadata(context);
  const title = options.title ?? upgradeTitle(context);
  const body = buildPullRequestBody(context, metadata, options.body);
  let pull = existing;
  let operation: PullRequestOperation = commitUnchanged ? 'unchanged' : 'updated';
  if (!pull) {
    const created = await step('creating the pull request', () =>
      createPull(octokit, repository, { branch, base, title, body, draft: options.draft ?? false }),
    );
    pull = created.pull;
    if (created.created) operation = 'created';
  }
  const opened = pull;
  if (operation !== 'created' && (pull.title !== title || (pull.body ?? '') !== body)) {
    const current = pull;
    await step('updating the pull request', () =>
      octokit.rest.pulls.update({ ...repository, pull_number: current.number, title, body }),
    );
    operation = 'updated';
  }
  logger.info(`Pull request #${pull.number} ${operation}: ${pull.html_url}`);

  if (pull.user?.login === ACTIONS_BOT_IDENTITY.name && operation === 'created') {
    logger.warning(
      'This PR was opened with GITHUB_TOKEN, so GitHub runs no workflows (checks) on it. Use a GitHub App ' +
        'token or a PAT for github-token; see the "Tokens" part of the open-upgrade-pr README section.',
    );
  }
  if (operation === 'created' || operation === 'updated') {
    await step('labelling and assigning the pull request', () =>
      decorate(octokit, repository, opened.number, options),
    );
  }
  return { pull: opened, operation };
}

function pullRequestMetadata(context: UpgradeContext): PullRequestMetadata {
  return {
    component: context.component ?? 'istio',
    from: context.from,
    to: context.to,
    policy: context.policy,
  };
}

async function maybeEnableAutoMerge(
  octokit: GitHubClient,
  pull: OpenPull,
  options: OpenUpgradePullRequestOptions,
  context: UpgradeContext,
  logger: Logger,
): Promise<boolean> {
  const method = options.autoMerge ?? 'none';
  if (method === 'none') return false;
  const decision = autoMergeDecision(options.autoMergeWhen ?? 'patch', context);
  if (!decision.allowed) {
    logger.info(`Auto-merge not enabled: ${decision.reason}.`);
    return false;
  }
  if (pull.auto_merge) return true;
  const enabled = await enableAutoMerge(octokit, pull.node_id, method, logger);
  if (enabled) logger.info(`Auto-merge (${method}) enabled: ${decision.reason}.`);
  return enabled;
}
