// The root action: plan, then open or update the control plane PR or the data plane PR.
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  AUTO_MERGE_METHODS,
  AUTO_MERGE_WHEN,
  INJECT_OUTPUTS,
  loadRepoConfig,
  STRATEGIES,
  type RepoConfig,
} from '../core/config/repo-config.js';
import { InvalidInputError } from '../core/errors.js';
import { createGitHubClient } from '../core/github/client.js';
import { planReport } from '../core/pipeline/plan-report.js';
import { renderPipelineSummary } from '../core/pipeline/summary.js';
import { runUpgradePipeline } from '../core/pipeline/run.js';
import { parseVersionPolicy } from '../core/versions/policy.js';
import * as entry from './support/entry.js';
import { istioctlInstaller } from './support/istioctl.js';

await entry.runEntry(async () => {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const { token, apiUrl } = entry.gitHubInputs();
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InvalidInputError('GITHUB_REPOSITORY is not set (owner/repo)');
  const dryRun = entry.booleanInput('dry-run', false);
  if (!token && !dryRun)
    throw new InvalidInputError('a token is required to push and open PRs', { input: 'github-token' });
  const config = withInputs(loadRepoConfig(workspace, entry.stringInput('config-file')));
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  const toolCache = process.env.RUNNER_TOOL_CACHE;
  const result = await runUpgradePipeline(
    {
      workspace,
      config,
      owner,
      repo,
      kubernetesVersion: entry.stringInput('kubernetes-version'),
      analyze: entry.booleanInput('analyze', true),
      dryRun,
      httpCacheDir: toolCache ? join(toolCache, 'istio-autopilot', 'http') : undefined,
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
  await entry.writeSummary(renderPipelineSummary(report, result));
});

/** Inputs win over the config file, which wins over defaults. */
function withInputs(config: RepoConfig): RepoConfig {
  const list = (name: string) => {
    const values = entry.listInput(name);
    return values.length > 0 ? values : undefined;
  };
  const bool = (name: string) =>
    entry.stringInput(name) === undefined ? undefined : entry.booleanInput(name, false);
  const pick = <T>(value: T | undefined, fallback: T | undefined) => value ?? fallback;
  const policy = entry.stringInput('version-policy');
  if (policy) parseVersionPolicy(policy, 'version-policy');
  return {
    ...config,
    policy: pick(policy, config.policy),
    strategy: pick(entry.optionalChoiceInput('strategy', STRATEGIES), config.strategy),
    includePrereleases: pick(bool('include-prereleases'), config.includePrereleases),
    controlPlane: {
      ...config.controlPlane,
      paths: pick(list('control-plane-paths'), config.controlPlane.paths),
    },
    dataPlane: {
      ...config.dataPlane,
      paths: pick(list('data-plane-paths'), config.dataPlane.paths),
      output: pick(entry.optionalChoiceInput('inject-output', INJECT_OUTPUTS), config.dataPlane.output),
      kubernetesVersion: pick(entry.stringInput('kubernetes-version'), config.dataPlane.kubernetesVersion),
    },
    pullRequest: {
      ...config.pullRequest,
      base: pick(entry.stringInput('base'), config.pullRequest.base),
      labels: pick(list('labels'), config.pullRequest.labels),
      autoMerge: pick(
        entry.optionalChoiceInput('auto-merge', AUTO_MERGE_METHODS),
        config.pullRequest.autoMerge,
      ),
      autoMergeWhen: pick(
        entry.optionalChoiceInput('auto-merge-when', AUTO_MERGE_WHEN),
        config.pullRequest.autoMergeWhen,
      ),
      signCommits: pick(bool('sign-commits'), config.pullRequest.signCommits),
    },
  };
}
