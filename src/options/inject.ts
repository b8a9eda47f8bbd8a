// Options of kube-inject-manifests and `istio-autopilot inject`.
import { INJECT_OUTPUT_MODES, INJECT_SELECTIONS } from '../core/inject/index.js';
import { NATIVE_SIDECARS_SETTINGS } from '../core/istioctl/offline-config.js';
import { GITHUB_OPTIONS } from './github.js';
import { INSTALL_OPTIONS } from './get-istioctl.js';
import type { OptionTable } from './table.js';

/** An input the action has and the CLI does not (explicit offline files, the skip gate). */
const actionOnly = (description: string) => ({ type: 'string', flag: false, description }) as const;

export const INJECT_OPTIONS = {
  repo: { type: 'string', input: false, description: 'The repository to inject into (default .).' },
  config: {
    type: 'string',
    input: false,
    description: 'The repository config file (default .github/istio-autopilot.yaml); flags go on top.',
  },
  paths: {
    type: 'list',
    // What the action fills in; the CLI without --paths takes the config's, else every YAML file.
    default: '**/*.yaml\n**/*.yml\n',
    description: 'Globs of workload manifests; !glob excludes. .gitignore’d files are left out.',
  },
  selection: {
    type: 'string',
    choices: INJECT_SELECTIONS,
    noun: 'selection',
    default: 'auto',
    description: 'webhook (what the injector would inject), paths (every workload under paths) or auto.',
  },
  version: {
    type: 'string',
    description: 'The Istio version whose injection template is used; default the pinned control plane’s.',
  },
  istioctl: { type: 'string', description: 'An istioctl binary to use; default install version.' },
  revision: { type: 'string', description: 'The control plane revision the sidecars belong to.' },
  'values-file': { type: 'string', description: 'Helm values of the istiod chart, overlaid.' },
  'operator-file': { type: 'string', description: 'An IstioOperator file, overlaid.' },
  'inject-config-file': actionOnly('An explicit injection template instead of a generated one.'),
  'mesh-config-file': actionOnly('An explicit mesh config, used with inject-config-file.'),
  'injector-values-file': actionOnly('Explicit injector values (JSON), used with inject-config-file.'),
  'native-sidecars': {
    type: 'string',
    choices: NATIVE_SIDECARS_SETTINGS,
    // The CLI without the flag takes the config's setting, else keep.
    default: 'keep',
    description: 'keep (each workload its current mode), auto, true or false.',
  },
  'kubernetes-version': {
    type: 'string',
    description: "The cluster's Kubernetes version, used by native-sidecars auto.",
  },
  output: {
    type: 'string',
    choices: INJECT_OUTPUT_MODES,
    noun: 'output mode',
    default: 'in-place',
    description: 'in-place, render-dir or patches.',
  },
  'output-dir': { type: 'string', description: 'Where render-dir writes, relative to the workspace.' },
  'fail-on-skip': {
    type: 'boolean',
    flag: false,
    default: 'false',
    description: 'Fail (writing nothing) when a workload is skipped.',
  },
  'dry-run': { type: 'boolean', input: false, description: 'Compute everything, write nothing.' },
  'download-base-url': INSTALL_OPTIONS['download-base-url'],
  ...GITHUB_OPTIONS,
} as const satisfies OptionTable;
