// How CLI commands get an istioctl: --istioctl, else one installed into the user's cache.
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubClient } from '../../core/github/client.js';
import {
  cachedIstioctlReleases,
  checkInstallInputs,
  installIstioctl,
  type InstalledIstioctl,
} from '../../core/istioctl/install/install.js';
import { resolvePlatform } from '../../core/istioctl/install/platform.js';
import { resolveIstioRelease } from '../../core/releases/resolve-version.js';
import { gitHubSettings, text, type CommandContext } from '../command.js';

/** The CLI's cache root; @actions/tool-cache keys off RUNNER_TOOL_CACHE, so point it there. */
export function cliCacheRoot(env: NodeJS.ProcessEnv): string {
  return env.ISTIO_AUTOPILOT_CACHE ?? join(homedir(), '.cache', 'istio-autopilot');
}

export async function installIstioctlForCli(
  values: Record<string, unknown>,
  context: CommandContext,
): Promise<InstalledIstioctl> {
  const cache = cliCacheRoot(context.env);
  process.env.RUNNER_TOOL_CACHE ??= join(cache, 'tool-cache');
  process.env.RUNNER_TEMP ??= tmpdir();
  const github = gitHubSettings(values, context.env);
  const platform = resolvePlatform({ os: text(values, 'os'), arch: text(values, 'arch') }, {});
  const download = { downloadBaseUrl: text(values, 'download-base-url'), checksum: text(values, 'checksum') };
  checkInstallInputs(download);
  const resolved = await resolveIstioRelease(
    {
      spec: text(values, 'version') ?? 'latest',
      input: 'version',
      includePrereleases: values['include-prereleases'] === true,
    },
    {
      github: createGitHubClient({ token: github.token, apiUrl: github.apiUrl, log: context.log.info }),
      httpCacheDir: join(cache, 'http'),
      logger: context.log,
      ...(github.offline ? { offlineReleases: () => cachedIstioctlReleases(platform, context.log) } : {}),
    },
  );
  return installIstioctl({
    version: resolved.version,
    tag: resolved.tag,
    platform,
    ...download,
    offline: github.offline,
    tempDir: tmpdir(),
    logger: context.log,
  });
}

export async function cliIstioctl(values: Record<string, unknown>, context: CommandContext): Promise<string> {
  return text(values, 'istioctl') ?? (await installIstioctlForCli(values, context)).path;
}
