// Options of `istio-autopilot plan`.
import { POLICY_OPTIONS } from './check.js';
import { GITHUB_OPTIONS } from './github.js';
import type { OptionTable } from './table.js';

export const PLAN_OPTIONS = {
  repo: { type: 'string', input: false, description: 'The repository to plan for (default .).' },
  config: {
    type: 'string',
    input: false,
    description: 'The repository config file (default .github/istio-autopilot.yaml).',
  },
  ...POLICY_OPTIONS,
  ...GITHUB_OPTIONS,
} as const satisfies OptionTable;
