// The commit step of an upgrade PR: the changed files as a tree on the base, committed to the leased
// branch; a branch someone else has pushed to is left alone, with a warning and one comment.
import { upgradeTitle } from '../report/pr-body.js';
import { updateUpgradeBranch, type BranchUpdate } from './branch-update.js';
import { createTreeFromChanges, type FileChange } from './commit.js';
import { commentOnce, type OpenPull } from './pull-request.js';
import type { OpenUpgradePullRequestOptions } from './upgrade-pull-request.js';
import type { UpgradeRun } from './upgrade-run.js';

const FOREIGN_MARKER = 'istio-autopilot:foreign-commits';

/** The tree of the base with the changes applied (the base's own tree when there are none). */
export async function stageTree(
  run: UpgradeRun,
  baseTree: string,
  changes: readonly FileChange[],
): Promise<string> {
  if (changes.length === 0) return baseTree;
  return run.step('uploading the changed files', () =>
    createTreeFromChanges(run.octokit, run.repository, baseTree, [...changes]),
  );
}

/** Commits `tree` on `baseSha` to the branch (signed by GitHub when asked), unless it already holds it. */
export async function commitUpgrade(
  run: UpgradeRun,
  options: OpenUpgradePullRequestOptions,
  baseSha: string,
  tree: string,
): Promise<BranchUpdate> {
  const { branch, logger } = run;
  const sign = options.signCommits ?? false;
  if (sign && (options.author || options.committer)) {
    logger.notice(
      'author and committer are ignored with sign-commits: GitHub signs only commits it authors itself.',
    );
  }
  const message = options.commitMessage ?? upgradeTitle(run.context);
  return run.step(`committing to ${branch}`, () =>
    updateUpgradeBranch(
      run.octokit,
      { ...run.repository, nodeId: run.repositoryNodeId },
      { branch, baseSha, tree, message, sign, author: options.author, committer: options.committer },
      logger,
    ),
  );
}

/** Warns that the branch holds someone else's commits, and says so once on its open PR. */
export async function reportForeignCommit(
  run: UpgradeRun,
  foreign: { sha: string; author: string },
  existing: OpenPull | undefined,
): Promise<void> {
  const warning =
    `${run.branch} has commits that Istio Autopilot did not make (tip ${foreign.sha.slice(0, 12)} by ${foreign.author}); ` +
    'it left the branch alone. Merge or close the PR, or delete the branch, to let it continue.';
  run.logger.warning(warning);
  if (!existing) return;
  const newest = run.context.to ? ` The newest target is ${run.context.to}.` : '';
  await run.step('commenting on the pull request', () =>
    commentOnce(
      run.octokit,
      run.repository,
      existing.number,
      `${FOREIGN_MARKER} ${foreign.sha}`,
      `⚠️ ${warning}${newest}`,
    ),
  );
}
