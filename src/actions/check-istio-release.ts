// check-istio-release: what's next, what's vulnerable, what's end-of-life for the running Istio. Read-only.
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import {
  checkIstioRelease,
  failOnReasons,
  parseFailOn,
  releaseCheckOutputs,
} from '../core/releases/check-release.js';
import { readRunningVersion } from '../core/mesh/running-version.js';
import { renderReleaseSummary } from '../core/releases/release-summary.js';
import * as entry from './support/entry.js';

await entry.runEntry(async () => {
  const { token, apiUrl } = entry.gitHubInputs();
  const failOn = parseFailOn(entry.listInput('fail-on'));
  const currentInput = entry.stringInput('current-version');
  const pinned = currentInput
    ? undefined
    : await readRunningVersion({
        workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
        versionFile: entry.stringInput('version-file'),
        paths: entry.listInput('paths'),
        logger: entry.actionsLogger,
      });
  // Few retries: when GitHub is unreachable the bundled dataset answers, so waiting longer buys little.
  const github = createGitHubClient({ token, apiUrl, retries: 1, log: (m) => core.info(m) });
  const check = await checkIstioRelease(github, {
    currentVersion: currentInput ?? pinned!.version,
    currentFrom: pinned ? { file: pinned.file, line: pinned.line } : undefined,
    dataPlaneVersion: pinned?.dataPlaneVersion,
    policy: entry.stringInput('version-policy') ?? 'latest',
    strategy: entry.choiceInput('strategy', ['in-place', 'canary'] as const, 'in-place'),
    includePrereleases: entry.booleanInput('include-prereleases', false),
    kubernetesVersion: entry.stringInput('kubernetes-version'),
    cacheDir: entry.httpCacheDir(),
    logger: entry.actionsLogger,
  });
  for (const [name, value] of Object.entries(releaseCheckOutputs(check))) core.setOutput(name, value);
  await entry.writeSummary(renderReleaseSummary(check));
  const reasons = failOnReasons(check, failOn);
  if (reasons.length > 0) core.setFailed(`fail-on: ${reasons.join('; ')}`);
});
