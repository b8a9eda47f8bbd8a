// How action entries get an istioctl: the `istioctl` input, else one on PATH, else the core installer.
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as core from '@actions/core';
import type { GitHubClient } from '../../core/github/client.js';
import { installIstioctl } from '../../core/istioctl/install/install.js';
import { resolvePlatform } from '../../core/istioctl/install/platform.js';
import { istioctlVersion } from '../../core/istioctl/runner.js';
import { resolveIstioRelease } from '../../core/releases/resolve-version.js';
import { actionsLogger, httpCacheDir } from './entry.js';

/** Installs a version or range through the core (tool cache, SHA-256 verified); returns the binary. */
export function istioctlInstaller(
  github: GitHubClient,
  downloadBaseUrl: string | undefined,
): (version: string) => Promise<string> {
  return async (spec) => {
    const resolved = await resolveIstioRelease(
      { spec, input: 'version', includePrereleases: false },
      { github, httpCacheDir: httpCacheDir(), logger: actionsLogger },
    );
    const installed = await installIstioctl({
      version: resolved.version,
      tag: resolved.tag,
      platform: resolvePlatform({}),
      downloadBaseUrl,
      tempDir: process.env.RUNNER_TEMP ?? tmpdir(),
      logger: actionsLogger,
    });
    core.info(`istioctl ${installed.version}: ${installed.path}${installed.cacheHit ? ' (cached)' : ''}`);
    return installed.path;
  };
}

/** The `istioctl` input, else istioctl on PATH, else `version` installed; with its real version. */
export async function locateIstioctl(
  inputs: { istioctl?: string; version?: string; 'download-base-url'?: string },
  github: () => GitHubClient,
): Promise<{ binary: string; version: string }> {
  const given = inputs.istioctl ?? onPath('istioctl');
  if (given) return { binary: given, version: await istioctlVersion(given) };
  const binary = await istioctlInstaller(github(), inputs['download-base-url'])(inputs.version ?? 'latest');
  return { binary, version: await istioctlVersion(binary) };
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
