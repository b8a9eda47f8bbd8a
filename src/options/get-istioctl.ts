// Options of get-istioctl and `istio-autopilot get-istioctl`; analyze-manifests shares the install ones.
import { DEFAULT_DOWNLOAD_BASE_URL } from '../core/istioctl/install/install.js';
import { GITHUB_OPTIONS } from './github.js';
import type { OptionTable } from './table.js';

/** Which istioctl release to install, and from where. */
export const INSTALL_OPTIONS = {
  version: {
    type: 'string',
    default: 'latest',
    description: 'The istioctl version: latest, an exact version (1.24.2) or a range (1.24.x, ~1.24.0).',
  },
  'download-base-url': {
    type: 'string',
    default: DEFAULT_DOWNLOAD_BASE_URL,
    description: 'Where <version>/<asset> archives and their .sha256 files are downloaded from.',
  },
} as const satisfies OptionTable;

export const GET_ISTIOCTL_OPTIONS = {
  ...INSTALL_OPTIONS,
  'version-file': {
    type: 'string',
    flag: false,
    description: 'A file holding the version, read when version is left at latest.',
  },
  'include-prereleases': {
    type: 'boolean',
    default: 'false',
    description: 'Consider alpha, beta and rc releases when resolving a range or latest.',
  },
  // The platform's spellings (macos, darwin, x64, ...) are normalised and checked by resolvePlatform.
  os: {
    type: 'string',
    description: "The OS to install for, linux, macos or windows; default the runner's.",
  },
  arch: {
    type: 'string',
    description: "The architecture to install for, amd64, arm64 or armv7; default the runner's.",
  },
  checksum: { type: 'string', description: 'A pinned SHA-256 of the archive that must match as well.' },
  ...GITHUB_OPTIONS,
} as const satisfies OptionTable;
