// Options of open-upgrade-pr (an action only: the CLI opens no pull requests).
import { AUTO_MERGE_METHODS, AUTO_MERGE_WHEN } from '../core/github/auto-merge.js';
import type { OptionTable } from './table.js';

const text = (description: string) => ({ type: 'string', description }) as const;
const list = (description: string) => ({ type: 'list', description }) as const;
const flag = (fallback: 'true' | 'false', description: string) =>
  ({ type: 'boolean', default: fallback, description }) as const;

export const OPEN_UPGRADE_PR_OPTIONS = {
  'github-token': text('Token that writes the branch and opens the PR (required).'),
  'github-api-url': text('The GitHub API of the repository; default the runner’s.'),
  base: text("The branch the PR merges into; default the repository's default branch."),
  branch: text('The PR branch; default one per component and target minor.'),
  title: text('The PR title; default one generated from the upgrade.'),
  body: text('Text appended to the generated PR body.'),
  'commit-message': text('The commit message; default the PR title.'),
  paths: { type: 'list', default: '.', description: 'Which working-tree changes to commit, as pathspecs.' },
  labels: list('Labels to add to the PR.'),
  assignees: list('Users to assign to the PR.'),
  reviewers: list('Users to request reviews from.'),
  'team-reviewers': list('Team slugs to request reviews from.'),
  draft: flag('false', 'Open the PR as a draft.'),
  'auto-merge': {
    type: 'string',
    choices: AUTO_MERGE_METHODS,
    default: 'none',
    description: 'Enable auto-merge with this method: none, merge, squash or rebase.',
  },
  'auto-merge-when': {
    type: 'string',
    choices: AUTO_MERGE_WHEN,
    default: 'patch',
    description: 'Which upgrades may merge themselves: patch, minor, in-policy or always.',
  },
  'sign-commits': flag('true', "Commit through GitHub's Git Data API, so the commit is signed."),
  author: text('The commit author, `Name <email>`, when sign-commits is false.'),
  committer: text('The commit committer, `Name <email>`, when sign-commits is false.'),
  'close-superseded': flag('true', 'Close older open Istio Autopilot PRs for the same component.'),
  'delete-branch-on-close': flag('false', 'Delete the branch of a PR this action closes.'),
} as const satisfies OptionTable;
