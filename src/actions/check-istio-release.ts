// check-istio-release: what's next, what's vulnerable, what's end-of-life for the running Istio. Read-only.
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { readRunningVersion } from '../core/mesh/running-version.js';
import { checkIstioRelease, releaseCheckOutputs } from '../core/releases/check-release.js';
import { failOnReasons } from '../core/releases/fail-on.js';
import { renderReleaseSummary } from '../core/releases/release-summary.js';
import { CHECK_OPTIONS } from '../options/check.js';
import * as entry from './support/entry.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/check-istio-release.ts. */
export function run(): Promise<void> {
  return entry.runEntry(main);
}

async function main(): Promise<void> {
  const inputs = entry.readInputs(CHECK_OPTIONS);
  const { apiUrl } = entry.gitHubInputs(inputs);
  const failOn = inputs['fail-on'];
  const currentInput = inputs['current-version'];
  const pinned = currentInput
    ? undefined
    : await readRunningVersion({
        workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
        versionFile: inputs['version-file'],
        paths: inputs.paths,
        logger: entry.actionsLogger,
      });
  // Few retries: when GitHub is unreachable the bundled dataset answers, so waiting longer buys little.
  const github = createGitHubClient({
    token: inputs['github-token'],
    apiUrl,
    retries: 1,
    log: (m) => core.info(m),
  });
  const check = await checkIstioRelease(github, {
    currentVersion: currentInput ?? pinned!.version,
    currentFrom: pinned ? { file: pinned.file, line: pinned.line } : undefined,
    dataPlaneVersion: pinned?.dataPlaneVersion,
    policy: inputs['version-policy'],
    strategy: inputs.strategy,
    includePrereleases: inputs['include-prereleases'],
    kubernetesVersion: inputs['kubernetes-version'],
    cacheDir: entry.httpCacheDir(),
    logger: entry.actionsLogger,
  });
  for (const [name, value] of Object.entries(releaseCheckOutputs(check))) core.setOutput(name, value);
  await entry.writeSummary(renderReleaseSummary(check));
  const reasons = failOnReasons(check, failOn);
  if (reasons.length > 0) core.setFailed(`fail-on: ${reasons.join('; ')}`);
}
