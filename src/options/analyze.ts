// Options of analyze-manifests and `istio-autopilot analyze`.
import { ANALYZE_LEVELS } from '../core/istioctl/analyze.js';
import { GITHUB_OPTIONS } from './github.js';
import { INSTALL_OPTIONS } from './get-istioctl.js';
import type { OptionTable } from './table.js';

const level = (fallback: (typeof ANALYZE_LEVELS)[number], description: string) =>
  ({
    type: 'string',
    choices: ANALYZE_LEVELS,
    ignoreCase: true,
    noun: 'analysis level',
    default: fallback,
    description,
  }) as const;

export const ANALYZE_OPTIONS = {
  repo: { type: 'string', input: false, description: 'The repository to analyze (default .).' },
  paths: {
    type: 'list',
    // What the action fills in; the CLI without --paths analyzes the rendered roots instead.
    default: '**/*.yaml\n**/*.yml\n!.github/**\n',
    description: 'Globs, files or directories to analyze; !glob excludes.',
  },
  istioctl: {
    type: 'string',
    description: 'The istioctl binary to run; empty uses one on PATH (action) or installs version.',
  },
  version: INSTALL_OPTIONS.version,
  'failure-threshold': level('Error', 'The lowest level that fails: Info, Warning or Error.'),
  'output-threshold': level('Info', 'The lowest level reported: Info, Warning or Error.'),
  suppress: {
    type: 'list',
    description: "Findings to suppress, in istioctl's CODE=Kind namespace/name form.",
  },
  'all-namespaces': {
    type: 'boolean',
    flag: false,
    default: 'true',
    description: 'Analyze all namespaces (-A).',
  },
  revision: { type: 'string', description: 'The control plane revision to analyze for.' },
  'mesh-config-file': {
    type: 'string',
    flag: false,
    description: 'A mesh config file for the analysis, relative to the workspace.',
  },
  'ignore-unknown': {
    type: 'boolean',
    flag: false,
    default: 'true',
    description: 'Skip documents that are not Kubernetes objects with a notice instead of failing.',
  },
  'changed-only': {
    type: 'boolean',
    flag: false,
    default: 'false',
    description: 'On pull_request events, annotate only files the pull request changes.',
  },
  'sarif-file': {
    type: 'string',
    flag: false,
    description: 'Where to write SARIF 2.1.0, relative to the workspace; empty writes none.',
  },
  ...GITHUB_OPTIONS,
} as const satisfies OptionTable;
