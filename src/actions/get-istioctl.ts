// get-istioctl: installs a verified, cached istioctl and puts it on PATH.
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { installIstioctl } from '../core/istioctl/install/install.js';
import { describePlatform, resolvePlatform } from '../core/istioctl/install/platform.js';
import { resolveVersionInputs } from '../core/mesh/running-version.js';
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

await runEntry(async () => {
  const { token, apiUrl } = gitHubInputs();
  const version = await resolveVersionInputs({
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    version: stringInput('version'),
    versionFile: stringInput('version-file'),
    logger: actionsLogger,
  });
  const result = await installIstioctl({
    version,
    includePrereleases: booleanInput('include-prereleases', false),
    platform: resolvePlatform({ os: stringInput('os'), arch: stringInput('arch') }),
    downloadBaseUrl: stringInput('download-base-url'),
    checksum: stringInput('checksum'),
    github: createGitHubClient({ token, apiUrl, log: (m) => core.info(m) }),
    httpCacheDir: httpCacheDir(),
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
});
