// Options of the root pipeline action (action.yml at the repository root). Every setting the repo
// config also has is left unset by default, so the config file decides unless the input is given.
import { AUTO_MERGE_METHODS, AUTO_MERGE_WHEN } from '../core/github/auto-merge.js';
import { INJECT_OUTPUT_MODES } from '../core/inject/index.js';
import { UPGRADE_STRATEGIES } from '../core/versions/upgrade-path.js';
import { GITHUB_OPTIONS } from './github.js';
import { INSTALL_OPTIONS } from './get-istioctl.js';
import type { OptionTable } from './table.js';

const { offline: _offline, ...GITHUB_INPUTS } = GITHUB_OPTIONS;

export const PIPELINE_OPTIONS = {
  ...GITHUB_INPUTS,
  'config-file': {
    type: 'string',
    default: '.github/istio-autopilot.yaml',
    description: 'The repository config, relative to the workspace.',
  },
  'version-policy': {
    type: 'string',
    description:
      "Which releases to move to (latest, patch, minor, supported or a semver range); overrides the config's.",
  },
  strategy: {
    type: 'string',
    choices: UPGRADE_STRATEGIES,
    description: 'in-place or canary; overrides the config.',
  },
  'include-prereleases': {
    type: 'boolean',
    optional: true,
    description: 'Consider alpha, beta and rc releases; overrides the config.',
  },
  'control-plane-paths': {
    type: 'list',
    description: 'Globs of the control plane pins; overrides the config.',
  },
  'data-plane-paths': { type: 'list', description: 'Globs of the workload manifests; overrides the config.' },
  'inject-output': {
    type: 'string',
    choices: INJECT_OUTPUT_MODES,
    noun: 'output mode',
    description: 'in-place, render-dir or patches; overrides the config.',
  },
  'kubernetes-version': {
    type: 'string',
    description: "The cluster's Kubernetes version; overrides the config.",
  },
  base: { type: 'string', description: "Base branch of the PR; default the repository's default branch." },
  labels: { type: 'list', description: 'Labels for the PR; overrides the config.' },
  'auto-merge': {
    type: 'string',
    choices: AUTO_MERGE_METHODS,
    description: 'none, merge, squash or rebase; overrides the config.',
  },
  'auto-merge-when': {
    type: 'string',
    choices: AUTO_MERGE_WHEN,
    description: 'patch, minor, in-policy or always; overrides the config.',
  },
  'sign-commits': {
    type: 'boolean',
    optional: true,
    description: 'Commit through the Git Data API so commits are verified; overrides the config.',
  },
  analyze: { type: 'boolean', default: 'true', description: 'Run istioctl analyze on the change first.' },
  'download-base-url': INSTALL_OPTIONS['download-base-url'],
  'dry-run': { type: 'boolean', default: 'false', description: 'Plan only; write nothing and open no PR.' },
} as const satisfies OptionTable;
