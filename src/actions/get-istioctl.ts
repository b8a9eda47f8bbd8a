// get-istioctl: installs a verified, cached istioctl and puts it on PATH.
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { InvalidInputError } from '../core/errors.js';
import { createGitHubClient } from '../core/github/client.js';
import { checkInstallInputs, installIstioctl } from '../core/istioctl/install/install.js';
import { describePlatform, resolvePlatform } from '../core/istioctl/install/platform.js';
import { readVersionFile } from '../core/pins/version-spec-file.js';
import { resolveIstioRelease, type ResolvedVersion } from '../core/releases/resolve-version.js';
import { markdownTable } from '../core/report/markdown.js';
import {
  actionsLogger,
  booleanInput,
  httpCacheDir,
  gitHubInputs,
  runEntry,
  stringInput,
  writeSummary,
} from './support/entry.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/get-istioctl.ts. */
export function run(): Promise<void> {
  return runEntry(main);
}

async function main(): Promise<void> {
  const platform = resolvePlatform({ os: stringInput('os'), arch: stringInput('arch') });
  const download = { downloadBaseUrl: stringInput('download-base-url'), checksum: stringInput('checksum') };
  checkInstallInputs(download);
  const resolved = await versionToInstall();
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
 * The one release to install: `version`, else the version or range `version-file` pins, resolved
 * over Istio's releases. The single place that reads the repository's pin, so it swaps out whole.
 */
async function versionToInstall(): Promise<ResolvedVersion> {
  const includePrereleases = booleanInput('include-prereleases', false);
  const version = stringInput('version');
  const versionFile = stringInput('version-file');
  if (versionFile && version && version !== 'latest') {
    throw new InvalidInputError(`both version ('${version}') and version-file are set`, {
      input: 'version',
      hint: 'Set one of them: version-file is read when version is left at its default (latest).',
    });
  }
  const request = versionFile
    ? { spec: (await readVersionFile(versionFile)).version, input: 'version-file', includePrereleases }
    : { spec: version ?? 'latest', input: 'version', includePrereleases };
  const { token, apiUrl } = gitHubInputs();
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  return resolveIstioRelease(request, { github, httpCacheDir: httpCacheDir(), logger: actionsLogger });
}
