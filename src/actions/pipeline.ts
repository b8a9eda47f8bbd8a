// The root action: plan, then open or update the control plane PR or the data plane PR.
import * as core from '@actions/core';
import { overrideRepoConfig } from '../core/config/overrides.js';
import { loadRepoConfig, REPO_CONFIG_PATH } from '../core/config/repo-config.js';
import { InvalidInputError } from '../core/errors.js';
import { createGitHubClient } from '../core/github/client.js';
import { planReport } from '../core/pipeline/plan-report.js';
import { renderPipelineSummary } from '../core/pipeline/summary.js';
import { runUpgradePipeline } from '../core/pipeline/run.js';
import { waitingLines } from '../core/rollout/waves/rollout.js';
import { PIPELINE_OPTIONS } from '../options/pipeline.js';
import * as entry from './support/entry.js';
import { istioctlInstaller } from './support/istioctl.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/pipeline.ts. */
export function run(): Promise<void> {
  return entry.runEntry(main);
}

async function main(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const inputs = entry.readInputs(PIPELINE_OPTIONS);
  const { token, apiUrl } = entry.gitHubInputs(inputs);
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InvalidInputError('GITHUB_REPOSITORY is not set (owner/repo)');
  const dryRun = inputs['dry-run'];
  if (!token && !dryRun)
    throw new InvalidInputError('a token is required to push and open PRs', { input: 'github-token' });
  // action.yml fills in the default path; only another path must exist.
  const configFile = inputs['config-file'] === REPO_CONFIG_PATH ? undefined : inputs['config-file'];
  const config = overrideRepoConfig(loadRepoConfig(workspace, configFile), {
    'version-policy': inputs['version-policy'],
    strategy: inputs.strategy,
    'include-prereleases': inputs['include-prereleases'],
    'control-plane-paths': inputs['control-plane-paths'],
    'data-plane-paths': inputs['data-plane-paths'],
    'inject-output': inputs['inject-output'],
    'kubernetes-version': inputs['kubernetes-version'],
    base: inputs.base,
    labels: inputs.labels,
    'auto-merge': inputs['auto-merge'],
    'auto-merge-when': inputs['auto-merge-when'],
    'sign-commits': inputs['sign-commits'],
  });
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  const result = await runUpgradePipeline(
    {
      workspace,
      config,
      owner,
      repo,
      kubernetesVersion: inputs['kubernetes-version'],
      analyze: inputs.analyze,
      dryRun,
      httpCacheDir: entry.httpCacheDir(),
    },
    {
      github,
      logger: entry.actionsLogger,
      installIstioctl: istioctlInstaller(github, inputs['download-base-url']),
    },
  );
  const report = planReport(result.plan);
  core.setOutput('step', report.step);
  core.setOutput('reason', report.reason);
  core.setOutput('operation', result.operation);
  core.setOutput('current-version', report.current);
  core.setOutput('target-version', report.target ?? '');
  entry.setJsonOutput('changed-files', result.changedFiles);
  core.setOutput('pull-request-number', result.pullRequest?.pullRequest?.number ?? '');
  core.setOutput('pull-request-url', result.pullRequest?.pullRequest?.url ?? '');
  if (result.fleet) {
    const { fleet, dashboard } = result.fleet;
    entry.setJsonOutput('waves', fleet.waves);
    core.setOutput('waiting', waitingLines(fleet).join('\n'));
    core.setOutput('dashboard-issue-number', dashboard?.number ?? '');
  }
  await entry.writeSummary(renderPipelineSummary(report, result));
}
