// The pull request step of an upgrade: create or update the one PR, label and assign it, turn on
// auto-merge when policy allows; or close it when the base already holds the change.
import { buildPullRequestBody, upgradeTitle } from '../report/pr-body.js';
import { autoMergeDecision, enableAutoMerge } from './auto-merge.js';
import { ACTIONS_BOT_IDENTITY } from './commit.js';
import { branchIsOurs, closePull, createPull, decorate, type OpenPull } from './pull-request.js';
import type { OpenUpgradePullRequestOptions, PullRequestOperation } from './upgrade-pull-request.js';
import type { UpgradeRun } from './upgrade-run.js';

/** Closes the open PR (ours only) when nothing differs from the base; returns it, or undefined. */
export async function closeWhenNothingChanged(
  run: UpgradeRun,
  options: OpenUpgradePullRequestOptions,
  existing: OpenPull | undefined,
): Promise<OpenPull | undefined> {
  const { octokit, repository, base, logger } = run;
  logger.info(
    `No changes under ${(options.paths ?? []).join(', ') || 'the working tree'} differ from ${base}.`,
  );
  if (!existing || !(await branchIsOurs(octokit, repository, existing, run.branch))) return undefined;
  await run.step('closing the pull request', () =>
    closePull(
      octokit,
      repository,
      existing,
      `${base} already contains these changes, so this upgrade PR is no longer needed.`,
      options.deleteBranchOnClose ?? false,
      logger,
    ),
  );
  return existing;
}

/** Creates the PR, or brings an open one's title and body up to date; labels and assigns what changed. */
export async function publishPullRequest(
  run: UpgradeRun,
  options: OpenUpgradePullRequestOptions,
  existing: OpenPull | undefined,
  commitUnchanged: boolean,
): Promise<{ pull: OpenPull; operation: PullRequestOperation }> {
  const { octokit, logger, repository, branch, base, step } = run;
  const title = options.title ?? upgradeTitle(run.context);
  const body = buildPullRequestBody(run.context, run.metadata, options.body);
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
  if (operation !== 'created' && (opened.title !== title || (opened.body ?? '') !== body)) {
    await step('updating the pull request', () =>
      octokit.rest.pulls.update({ ...repository, pull_number: opened.number, title, body }),
    );
    operation = 'updated';
  }
  logger.info(`Pull request #${opened.number} ${operation}: ${opened.html_url}`);
  if (opened.user?.login === ACTIONS_BOT_IDENTITY.name && operation === 'created') {
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

/** Turns auto-merge on when the method is set and auto-merge-when allows this upgrade. */
export async function maybeEnableAutoMerge(
  run: UpgradeRun,
  pull: OpenPull,
  options: OpenUpgradePullRequestOptions,
): Promise<boolean> {
  const method = options.autoMerge ?? 'none';
  if (method === 'none') return false;
  const decision = autoMergeDecision(options.autoMergeWhen ?? 'patch', run.context);
  if (!decision.allowed) {
    run.logger.info(`Auto-merge not enabled: ${decision.reason}.`);
    return false;
  }
  if (pull.auto_merge) return true;
  const enabled = await enableAutoMerge(run.octokit, pull.node_id, method, run.logger);
  if (enabled) run.logger.info(`Auto-merge (${method}) enabled: ${decision.reason}.`);
  return enabled;
}
