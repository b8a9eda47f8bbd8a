// Options of check-istio-release and `istio-autopilot check`.
import { FAIL_ON_CONDITIONS } from '../core/releases/fail-on.js';
import { UPGRADE_STRATEGIES } from '../core/versions/upgrade-path.js';
import { GITHUB_OPTIONS } from './github.js';
import type { OptionTable } from './table.js';

/** The version policy options plan and check share. */
export const POLICY_OPTIONS = {
  'version-policy': {
    type: 'string',
    flag: 'policy',
    default: 'latest',
    description: 'Which releases may be the destination: latest, patch, minor, supported, or a semver range.',
  },
  strategy: {
    type: 'string',
    choices: UPGRADE_STRATEGIES,
    default: 'in-place',
    description: 'in-place (one minor per hop) or canary (up to two minors per hop).',
  },
  'include-prereleases': {
    type: 'boolean',
    default: 'false',
    description: 'Consider alpha, beta and rc releases as destinations.',
  },
  'kubernetes-version': {
    type: 'string',
    description: "The cluster's Kubernetes version, checked against what the Istio minor supports.",
  },
} as const satisfies OptionTable;

export const CHECK_OPTIONS = {
  'current-version': { type: 'string', description: 'The Istio version running now, e.g. 1.30.4.' },
  'version-file': {
    type: 'string',
    flag: false,
    description: 'One file pinning the control plane, read when current-version is empty.',
  },
  repo: {
    type: 'string',
    input: false,
    description: 'The repository to read pins from when --current-version is not given (default .).',
  },
  paths: {
    type: 'list',
    description: 'Globs of files with Istio pins; empty scans the whole repository.',
  },
  ...POLICY_OPTIONS,
  'fail-on': {
    type: 'list',
    choices: FAIL_ON_CONDITIONS,
    noun: 'fail-on condition',
    description: 'Conditions that fail the check: outdated, vulnerable, eol, unsupported-kubernetes.',
  },
  ...GITHUB_OPTIONS,
} as const satisfies OptionTable;
