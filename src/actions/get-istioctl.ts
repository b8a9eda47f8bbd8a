// get-istioctl: installs a verified, cached istioctl and puts it on PATH.
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { checkInstallInputs, installIstioctl } from '../core/istioctl/install/install.js';
import { describePlatform, resolvePlatform } from '../core/istioctl/install/platform.js';
import { resolveVersionInputs } from '../core/mesh/running-version.js';
import { resolveIstioRelease, type ResolvedVersion } from '../core/releases/resolve-version.js';
import { markdownTable } from '../core/report/markdown.js';
import { GET_ISTIOCTL_OPTIONS } from '../options/get-istioctl.js';
import type { OptionValues } from '../options/table.js';
import {
  actionsLogger,
  httpCacheDir,
  gitHubInputs,
  readInputs,
  runEntry,
  writeSummary,
} from './support/entry.js';

type Inputs = OptionValues<typeof GET_ISTIOCTL_OPTIONS>;

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/get-istioctl.ts. */
export function run(): Promise<void> {
  return runEntry(main);
}

async function main(): Promise<void> {
  const inputs = readInputs(GET_ISTIOCTL_OPTIONS);
  const platform = resolvePlatform({ os: inputs.os, arch: inputs.arch });
  const download = { downloadBaseUrl: inputs['download-base-url'], checksum: inputs.checksum };
  checkInstallInputs(download);
  const resolved = await versionToInstall(inputs);
  const result = await installIstioctl({
    version: resolved.version,
    tag: resolved.tag,
    platform,
    ...download,
    tempDir: process.env.RUNNER_TEMP ?? tmpdir(),
    logger: actionsLogger,
  });
  core.addPath(dirname(result.path));
  core.setOutput('version', result.version);
  core.setOutput('istioctl', result.path);
  core.setOutput('cache-hit', String(result.cacheHit));
  await writeSummary(
    [
      `### istioctl ${result.version}`,
      '',
      markdownTable(
        ['platform', 'source', 'SHA-256', 'path'],
        [
          [
            describePlatform(result.platform),
            result.cacheHit ? 'tool cache' : (result.url ?? ''),
            result.sha256 ? `\`${result.sha256}\`` : 'verified when cached',
            `\`${result.path}\``,
          ],
        ],
      ),
      '',
    ].join('\n'),
  );
}

/**
 * The one release to install: `version`, else what the mesh model says `version-file` declares,
 * resolved over Istio's releases.
 */
async function versionToInstall(inputs: Inputs): Promise<ResolvedVersion> {
  const versionFile = inputs['version-file'];
  const spec = await resolveVersionInputs({
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    version: inputs.version,
    versionFile,
    logger: actionsLogger,
  });
  const request = {
    spec,
    input: versionFile ? 'version-file' : 'version',
    includePrereleases: inputs['include-prereleases'],
  };
  const { token, apiUrl } = gitHubInputs(inputs);
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  return resolveIstioRelease(request, { github, httpCacheDir: httpCacheDir(), logger: actionsLogger });
}
