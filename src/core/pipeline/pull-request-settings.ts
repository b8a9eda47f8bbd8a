// The parts of an upgrade PR the repo config decides, shared by the single and the per-wave PRs.
import type { RepoConfig } from '../config/repo-config.js';

export function configuredPullRequest(where: { owner: string; repo: string }, pr: RepoConfig['pullRequest']) {
  return {
    owner: where.owner,
    repo: where.repo,
    base: pr.base,
    labels: pr.labels,
    assignees: pr.assignees,
    reviewers: pr.reviewers,
    teamReviewers: pr.teamReviewers,
    draft: pr.draft,
    signCommits: pr.signCommits ?? true,
  };
}
