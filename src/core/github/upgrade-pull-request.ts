// Opens, updates or leaves alone the one upgrade PR per component and target: commit on a leased
// branch, create-or-update the PR (a lost creation race becomes an update), reviewers and labels,
// auto-merge when policy allows, and closing the PRs it supersedes.
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { buildPullRequestBody, upgradeTitle, type UpgradeContext } from '../report/pr-body.js';
import { compareVersions, isIstioVersion } from '../versions/parse.js';
import {
  autoMergeDecision,
  enableAutoMerge,
  type AutoMergeMethod,
  type AutoMergeWhen,
} from './auto-merge.js';
import { BRANCH_PREFIX, isValidBranchName, upgradeBranchName } from './branch-name.js';
import { isAutopilotCommit, isStatus, updateUpgradeBranch } from './branch-update.js';
import type { GitHubClient } from './client.js';
import {
  ACTIONS_BOT_IDENTITY,
  createTreeFromChanges,
  readWorkingTreeChanges,
  type FileChange,
  type GitIdentity,
} from './commit.js';
import { explainPullRequestError } from './pull-request-errors.js';
import { parseMetadata, type PullRequestMetadata } from '../report/pr-metadata.js';

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

interface OpenPull {
  number: number;
  html_url: string;
  node_id: string;
  title: string;
  body?: string | null;
  user: { login: string } | null;
  head: { ref: string; sha: string };
  auto_merge?: unknown;
}

const FOREIGN_MARKER = 'istio-autopilot:foreign-commits';

/** The pipeline's facts about the upgrade as JSON (ISTIO_AUTOPILOT_CONTEXT when run standalone). */
export function parseUpgradeContext(json: string | undefined): UpgradeContext | undefined {
  if (!json?.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidInputError('ISTIO_AUTOPILOT_CONTEXT is not valid JSON', { cause: error });
  }
  const context = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('ISTIO_AUTOPILOT_CONTEXT must be a JSON object');
  }
  for (const key of ['component', 'from', 'to', 'policy']) {
    if (context[key] !== undefined && typeof context[key] !== 'string') {
      throw new InvalidInputError(`ISTIO_AUTOPILOT_CONTEXT.${key} must be a string`);
    }
  }
  for (const key of ['from', 'to']) {
    if (typeof context[key] === 'string' && !isIstioVersion(context[key])) {
      throw new InvalidInputError(`ISTIO_AUTOPILOT_CONTEXT.${key} '${context[key]}' is not an Istio version`);
    }
  }
  return value as UpgradeContext;
}

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
  const metadata: PullRequestMetadata = {
    component,
    from: context.from,
    to: context.to,
    policy: context.policy,
  };

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

  const title = options.title ?? upgradeTitle(context);
  const body = buildPullRequestBody(context, metadata, options.body);
  let pull = existing;
  let operation: PullRequestOperation = update.kind === 'unchanged' ? 'unchanged' : 'updated';
  if (!pull) {
    const created = await step('creating the pull request', () =>
      createPull(octokit, repository, { branch, base, title, body, draft: options.draft ?? false }),
    );
    pull = created.pull;
    if (created.created) operation = 'created';
  }
  if (operation !== 'created' && (pull.title !== title || (pull.body ?? '') !== body)) {
    const current = pull;
    await step('updating the pull request', () =>
      octokit.rest.pulls.update({ ...repository, pull_number: current.number, title, body }),
    );
    operation = 'updated';
  }
  result.operation = operation;
  result.pullRequest = { number: pull.number, url: pull.html_url };
  logger.info(`Pull request #${pull.number} ${operation}: ${pull.html_url}`);

  if (pull.user?.login === ACTIONS_BOT_IDENTITY.name && operation === 'created') {
    logger.warning(
      'This PR was opened with GITHUB_TOKEN, so GitHub runs no workflows (checks) on it. Use a GitHub App ' +
        'token or a PAT for github-token; see the "Tokens" part of the open-upgrade-pr README section.',
    );
  }
  if (operation === 'created' || operation === 'updated') {
    await step('labelling and assigning the pull request', () =>
      decorate(octokit, repository, pull!.number, options),
    );
  }
  result.autoMergeEnabled = await maybeEnableAutoMerge(octokit, pull, options, context, logger);
  if (options.closeSuperseded ?? true) {
    result.superseded = await step('closing superseded pull requests', () =>
      closeSuperseded(
        octokit,
        repository,
        base,
        pull!,
        metadata,
        options.deleteBranchOnClose ?? false,
        logger,
      ),
    );
  }
  return result;
}

async function findOpenPull(
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

async function branchIsOurs(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  pull: OpenPull,
  branch: string,
): Promise<boolean> {
  const { data } = await octokit.rest.git.getCommit({ ...repository, commit_sha: pull.head.sha });
  return isAutopilotCommit(data.message, branch);
}

async function createPull(
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

async function decorate(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  number: number,
  options: OpenUpgradePullRequestOptions,
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

async function closePull(
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

async function closeSuperseded(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  base: string,
  current: OpenPull,
  metadata: PullRequestMetadata,
  deleteBranch: boolean,
  logger: Logger,
): Promise<{ number: number; url: string }[]> {
  if (!metadata.to || !isIstioVersion(metadata.to)) return [];
  const open = await octokit.paginate(octokit.rest.pulls.list, {
    ...repository,
    base,
    state: 'open',
    per_page: 100,
  });
  const closed: { number: number; url: string }[] = [];
  for (const pull of open) {
    if (pull.number === current.number) continue;
    const other = parseMetadata(pull.body);
    if (!other || other.component !== metadata.component || !other.to || !isIstioVersion(other.to)) continue;
    if (compareVersions(other.to, metadata.to) >= 0) continue;
    await closePull(
      octokit,
      repository,
      pull,
      `Superseded by #${current.number} (${current.html_url}), which upgrades ${metadata.component} to ${metadata.to} instead of ${other.to}.`,
      deleteBranch,
      logger,
    );
    closed.push({ number: pull.number, url: pull.html_url });
  }
  return closed;
}

/** Comments unless a comment carrying `marker` is already there (so reruns do not pile up). */
async function commentOnce(
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
