// The GitHub options every command that reads releases or opens PRs shares.
import type { OptionTable } from './table.js';

export const GITHUB_OPTIONS = {
  'github-token': {
    type: 'string',
    description: 'Token for GitHub API calls; the CLI falls back to GITHUB_TOKEN or GH_TOKEN.',
  },
  'github-api-url': {
    type: 'string',
    description:
      'The GitHub API (GitHub Enterprise Server or a mirror); default the runner’s or api.github.com.',
  },
  offline: {
    type: 'boolean',
    input: false,
    description: 'Ask GitHub nothing: answer from the bundled dataset, saying how old it is.',
  },
} as const satisfies OptionTable;
