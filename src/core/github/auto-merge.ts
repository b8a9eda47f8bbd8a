// Auto-merge for upgrade PRs: whether the upgrade qualifies (auto-merge-when), and turning it on
// through GraphQL's enablePullRequestAutoMerge.
import type { Logger } from '../logger.js';
import { parseIstioVersion } from '../versions/parse.js';
import type { GitHubClient } from './client.js';

export type AutoMergeMethod = 'none' | 'merge' | 'squash' | 'rebase';
export type AutoMergeWhen = 'patch' | 'minor' | 'in-policy' | 'always';
export const AUTO_MERGE_METHODS: readonly AutoMergeMethod[] = ['none', 'merge', 'squash', 'rebase'];
export const AUTO_MERGE_WHEN: readonly AutoMergeWhen[] = ['patch', 'minor', 'in-policy', 'always'];

export interface AutoMergeFacts {
  from?: string;
  to?: string;
  /** False when the pipeline chose a target outside the version policy. */
  inPolicy?: boolean;
}

/** Why the upgrade may or may not merge itself; `allowed` false always says why. */
export function autoMergeDecision(
  when: AutoMergeWhen,
  facts: AutoMergeFacts,
): { allowed: boolean; reason: string } {
  if (when === 'always') return { allowed: true, reason: 'auto-merge-when is always' };
  if (when === 'in-policy') {
    return facts.inPolicy === false
      ? { allowed: false, reason: 'the target is outside the version policy' }
      : { allowed: true, reason: 'the target is within the version policy' };
  }
  const from = facts.from ? parseIstioVersion(facts.from) : undefined;
  const to = facts.to ? parseIstioVersion(facts.to) : undefined;
  if (!from || !to)
    return { allowed: false, reason: `auto-merge-when is ${when} but the versions from/to are unknown` };
  if (to.prerelease) return { allowed: false, reason: `${to.version} is a prerelease` };
  const sameMinor = from.major === to.major && from.minor === to.minor;
  if (when === 'patch') {
    return sameMinor
      ? { allowed: true, reason: `${from.version} to ${to.version} is a patch upgrade` }
      : { allowed: false, reason: `${from.version} to ${to.version} is not a patch upgrade` };
  }
  const oneMinor = from.major === to.major && to.minor - from.minor <= 1;
  return oneMinor
    ? { allowed: true, reason: `${from.version} to ${to.version} is at most one minor` }
    : { allowed: false, reason: `${from.version} to ${to.version} crosses more than one minor` };
}

const ENABLE_AUTO_MERGE = `mutation($input: EnablePullRequestAutoMergeInput!) {
  enablePullRequestAutoMerge(input: $input) { pullRequest { number } }
}`;

/** Turns auto-merge on; a repository that does not allow it gives a warning, not a failure. */
export async function enableAutoMerge(
  octokit: GitHubClient,
  pullRequestNodeId: string,
  method: Exclude<AutoMergeMethod, 'none'>,
  logger: Logger,
): Promise<boolean> {
  try {
    await octokit.graphql(ENABLE_AUTO_MERGE, {
      input: { pullRequestId: pullRequestNodeId, mergeMethod: method.toUpperCase() },
    });
    return true;
  } catch (error) {
    const message = (error as { message?: string }).message ?? String(error);
    logger.warning(
      `Could not enable auto-merge (${message}). Turn on "Allow auto-merge" in the repository settings; ` +
        'GitHub also needs a branch protection rule with required checks, or it merges nothing automatically.',
    );
    return false;
  }
}
