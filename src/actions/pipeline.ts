// The root action: plan, then open or update the control plane PR or the data plane PR.
import * as core from '@actions/core';
import { overrideRepoConfig } from '../core/config/overrides.js';
import { loadRepoConfig } from '../core/config/repo-config.js';
import { InvalidInputError } from '../core/errors.js';
import { createGitHubClient } from '../core/github/client.js';
import { planReport } from '../core/pipeline/plan-report.js';
import { renderPipelineSummary } from '../core/pipeline/summary.js';
import { runUpgradePipeline } from '../core/pipeline/run.js';
import { waitingLines } from '../core/rollout/waves/rollout.js';
import * as entry from './support/entry.js';
import { istioctlInstaller } from './support/istioctl.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/pipeline.ts. */
export function run(): Promise<void> {
  return entry.runEntry(main);
}

async function main(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const { token, apiUrl } = entry.gitHubInputs();
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InvalidInputError('GITHUB_REPOSITORY is not set (owner/repo)');
  const dryRun = entry.booleanInput('dry-run', false);
  if (!token && !dryRun)
    throw new InvalidInputError('a token is required to push and open PRs', { input: 'github-token' });
  const config = overrideRepoConfig(loadRepoConfig(workspace, entry.stringInput('config-file')), {
    'version-policy': entry.stringInput('version-policy'),
    strategy: entry.stringInput('strategy'),
    'include-prereleases': optionalBoolean('include-prereleases'),
    'control-plane-paths': entry.listInput('control-plane-paths'),
    'data-plane-paths': entry.listInput('data-plane-paths'),
    'inject-output': entry.stringInput('inject-output'),
    'kubernetes-version': entry.stringInput('kubernetes-version'),
    base: entry.stringInput('base'),
    labels: entry.listInput('labels'),
    'auto-merge': entry.stringInput('auto-merge'),
    'auto-merge-when': entry.stringInput('auto-merge-when'),
    'sign-commits': optionalBoolean('sign-commits'),
  });
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  const result = await runUpgradePipeline(
    {
      workspace,
      config,
      owner,
      repo,
      kubernetesVersion: entry.stringInput('kubernetes-version'),
      analyze: entry.booleanInput('analyze', true),
      dryRun,
      httpCacheDir: entry.httpCacheDir(),
    },
    { github, logger: entry.actionsLogger, installIstioctl: istioctlInstaller(github) },
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

function optionalBoolean(name: string): boolean | undefined {
  return entry.stringInput(name) === undefined ? undefined : entry.booleanInput(name, false);
}
