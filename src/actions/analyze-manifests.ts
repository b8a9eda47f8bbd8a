// analyze-manifests: istioctl analyze and the mesh invariants over the repo's manifests, as annotations,
// a summary and SARIF.
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { listPullRequestFiles } from '../core/github/pull-request-files.js';
import { analyzeManifests } from '../core/istioctl/analyze.js';
import { analyzeMesh, withFindings } from '../core/mesh/analyze.js';
import { renderAnalyzeSummary } from '../core/report/analyze-summary.js';
import { planAnnotations, skippedNotices } from '../core/report/annotations.js';
import { writeSarifFile } from '../core/report/sarif.js';
import { ANALYZE_OPTIONS } from '../options/analyze.js';
import { actionsLogger, gitHubInputs, readInputs, runEntry, writeSummary } from './support/entry.js';
import { locateIstioctl } from './support/istioctl.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/analyze-manifests.ts. */
export function run(): Promise<void> {
  return runEntry(main);
}

async function main(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const inputs = readInputs(ANALYZE_OPTIONS);
  const { binary, version } = await locateIstioctl(inputs, () => {
    const { token, apiUrl } = gitHubInputs(inputs);
    return createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  });
  const istioctlResult = await analyzeManifests({
    binary,
    version,
    cwd: workspace,
    paths: inputs.paths,
    allNamespaces: inputs['all-namespaces'],
    failureThreshold: inputs['failure-threshold'],
    outputThreshold: inputs['output-threshold'],
    suppress: inputs.suppress,
    revision: inputs.revision,
    meshConfigFile: inputs['mesh-config-file'],
    ignoreUnknown: inputs['ignore-unknown'],
    // Skip notices are annotations too; they are emitted below within the notice cap.
    logger: { ...actionsLogger, notice: (m, where) => core.info(`${where?.file ?? ''}: ${m}`) },
  });
  const changedFiles = inputs['changed-only'] ? await pullRequestFiles(inputs) : undefined;
  // The mesh invariants (MESH001-006) on what the repo renders, reported like istioctl's findings;
  // the model's own warnings are annotations only where the change may show them.
  const outside = (file?: string) => changedFiles !== undefined && !(file && changedFiles.has(file));
  const mesh = await analyzeMesh(workspace, {
    logger: {
      ...actionsLogger,
      warning: (m, where) =>
        outside(where?.file) ? core.info(`${where?.file ?? ''}: ${m}`) : actionsLogger.warning(m, where),
    },
  });
  const result = withFindings(istioctlResult, mesh.findings);
  const plan = planAnnotations(result.findings, {
    changedFiles,
    extraNotices: skippedNotices(result.skipped),
  });
  for (const { type, message, ...where } of plan.annotations) core[type](message, where);
  const sarifPath = inputs['sarif-file'];
  if (sarifPath) {
    const sarifOptions = { toolVersion: version, skipped: result.skipped };
    core.setOutput('sarif-file', await writeSarifFile(workspace, sarifPath, result.findings, sarifOptions));
  }
  core.setOutput('errors', String(result.counts.errors));
  core.setOutput('warnings', String(result.counts.warnings));
  core.setOutput('infos', String(result.counts.infos));
  core.setOutput('result', result.result);
  const unannotated = plan.overflow.error + plan.overflow.warning + plan.overflow.notice + plan.outsideChange;
  await writeSummary(renderAnalyzeSummary(result, { istioctlVersion: version, unannotated }));
  if (result.result === 'fail') {
    const { errors, warnings, infos } = result.counts;
    core.setFailed(
      `istioctl analyze: ${errors} errors, ${warnings} warnings, ${infos} infos at or above ${result.failureThreshold} fails the check`,
    );
  }
}

/** Files the pull request changes, or undefined (annotate everything) outside pull_request events. */
async function pullRequestFiles(
  inputs: Parameters<typeof gitHubInputs>[0],
): Promise<Set<string> | undefined> {
  const event = process.env.GITHUB_EVENT_PATH;
  const number = event
    ? (JSON.parse(readFileSync(event, 'utf8')) as { pull_request?: { number?: number } }).pull_request?.number
    : undefined;
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!number || !owner || !repo) {
    core.info('changed-only: not a pull_request event, so every finding is annotated');
    return undefined;
  }
  const { token, apiUrl } = gitHubInputs(inputs);
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  return listPullRequestFiles(github, { owner, repo, number }, Boolean(token));
}
