// Options of bump-istio-version and `istio-autopilot bump`.
import { ROLE_SELECTIONS } from '../core/pins/types.js';
import { GITHUB_OPTIONS } from './github.js';
import type { OptionTable } from './table.js';

export const BUMP_OPTIONS = {
  version: { type: 'string', description: 'The Istio release to pin, e.g. 1.30.4 (required).' },
  repo: {
    type: 'string',
    input: false,
    description: 'The repository to edit (default .).',
  },
  paths: {
    type: 'list',
    default: '',
    description: 'Globs of files with Istio pins; empty means YAML across the repo and .istio-version.',
  },
  role: {
    type: 'string',
    choices: ROLE_SELECTIONS,
    default: 'control-plane',
    description: 'Which pins move: control-plane, data-plane or all.',
  },
  'dry-run': { type: 'boolean', default: 'false', description: 'Plan and report; write nothing.' },
  'allow-unreleased': {
    type: 'boolean',
    default: 'false',
    description: 'Pin a version that is not a published Istio release (with a warning).',
  },
  ...GITHUB_OPTIONS,
} as const satisfies OptionTable;
