// The running Istio version as the repository pins it, for check-istio-release and `check`: one named
// file, or the oldest control plane pin under some paths (and the oldest proxy pin, for skew).
import { resolve } from 'node:path';
import { NotFoundError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { compareVersions } from '../versions/parse.js';
import { extractPins } from './engine.js';
import type { PinRole } from './types.js';
import { readControlPlaneVersion } from './version-file.js';

export interface CurrentVersionSource {
  version: string;
  /** Workspace-relative file (and line) the version was read from. */
  file: string;
  line?: number;
  /** The oldest data plane pin among `paths`, for the skew check. */
  dataPlaneVersion?: string;
}

export interface ReadCurrentVersionOptions {
  workspace: string;
  /** One file that pins the control plane (get-istioctl's `version-file` rules). */
  versionFile?: string;
  /** Globs of files with pins (bump-istio-version's `paths` rules); empty scans the workspace. */
  paths?: readonly string[];
  logger?: Logger;
}

/**
 * The running version from the repository's pins: `version-file` names one file; otherwise the
 * control plane pins under `paths` are read and the oldest wins, being where the next hop starts.
 */
export function readCurrentVersion(options: ReadCurrentVersionOptions): CurrentVersionSource {
  const logger = options.logger ?? silentLogger;
  if (options.versionFile) {
    const version = readControlPlaneVersion(resolve(options.workspace, options.versionFile), { logger });
    return { version, file: options.versionFile };
  }
  const { pins } = extractPins({ root: options.workspace, paths: options.paths ?? [] }, { logger });
  const oldest = (role: PinRole) =>
    pins.filter((p) => p.role === role).sort((a, b) => compareVersions(a.version, b.version))[0];
  const controlPlane = oldest('control-plane');
  if (!controlPlane) {
    throw new NotFoundError('no Istio control plane version is pinned in the files scanned', {
      input: options.paths?.length ? 'paths' : 'current-version',
      hint: 'Set current-version, version-file, or paths to the files that pin Istio.',
    });
  }
  const dataPlane = oldest('data-plane');
  return {
    version: controlPlane.version,
    file: controlPlane.file,
    line: controlPlane.line,
    ...(dataPlane ? { dataPlaneVersion: dataPlane.version } : {}),
  };
}
