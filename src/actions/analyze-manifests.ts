// analyze-manifests: istioctl analyze over the repo's manifests, as annotations, a summary and SARIF.
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { createGitHubClient, explainGitHubError } from '../core/github/client.js';
import { analyzeManifests, parseAnalyzeLevel } from '../core/istioctl/analyze.js';
import { installIstioctl } from '../core/istioctl/install/install.js';
import { resolvePlatform } from '../core/istioctl/install/platform.js';
import { istioctlVersion } from '../core/istioctl/runner.js';
import { renderAnalyzeSummary } from '../core/report/analyze-summary.js';
import { planAnnotations } from '../core/report/annotations.js';
import { buildSarif } from '../core/report/sarif.js';
import {
  actionsLogger,
  booleanInput,
  gitHubInputs,
  listInput,
  runEntry,
  stringInput,
  writeSummary,
} from './support/entry.js';

await runEntry(async () => {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const { binary, version } = await locateIstioctl();
  const level = (name: string, fallback: string) => parseAnalyzeLevel(stringInput(name) ?? fallback, name);
  const result = await analyzeManifests({
    binary,
    version,
    cwd: workspace,
    paths: listInput('paths'),
    allNamespaces: booleanInput('all-namespaces', true),
    failureThreshold: level('failure-threshold', 'Error'),
    outputThreshold: level('output-threshold', 'Info'),
    suppress: listInput('suppress'),
    revision: stringInput('revision'),
    meshConfigFile: stringInput('mesh-config-file'),
    ignoreUnknown: booleanInput('ignore-unknown', true),
    // Skip notices are annotations too; they are emitted below within the notice cap.
    logger: { ...actionsLogger, notice: (m, where) => core.info(`${where?.file ?? ''}: ${m}`) },
  });
  const changedFiles = booleanInput('changed-only', false) ? await pullRequestFiles() : undefined;
  const skippedNotices = result.skipped.map((s) => ({
    type: 'notice' as const,
    title: 'skipped',
    message: `Not analyzed: ${s.reason}`,
    file: s.file,
    ...(s.line ? { startLine: s.line } : {}),
  }));
  const plan = planAnnotations(result.findings, { changedFiles, extraNotices: skippedNotices });
  for (const { type, message, ...where } of plan.annotations) core[type](message, where);
  const sarifPath = stringInput('sarif-file');
  if (sarifPath) {
    const absolute = resolve(workspace, sarifPath);
    await mkdir(dirname(absolute), { recursive: true });
    const sarif = buildSarif(result.findings, { toolVersion: version, skipped: result.skipped });
    await writeFile(absolute, `${JSON.stringify(sarif, null, 2)}\n`);
    core.setOutput('sarif-file', relative(workspace, absolute));
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
});

/** The `istioctl` input, else istioctl on PATH, else `version` installed through the core installer. */
async function locateIstioctl(): Promise<{ binary: string; version: string }> {
  const given = stringInput('istioctl') ?? onPath('istioctl');
  if (given) return { binary: given, version: await istioctlVersion(given) };
  const { token, apiUrl } = gitHubInputs();
  const installed = await installIstioctl({
    version: stringInput('version'),
    platform: resolvePlatform({}),
    github: createGitHubClient({ token, apiUrl, log: (m) => core.info(m) }),
    tempDir: process.env.RUNNER_TEMP ?? tmpdir(),
    logger: actionsLogger,
  });
  return { binary: installed.path, version: installed.version };
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Files the pull request changes, or undefined (annotate everything) outside pull_request events. */
async function pullRequestFiles(): Promise<Set<string> | undefined> {
  const event = process.env.GITHUB_EVENT_PATH;
  const number = event
    ? (JSON.parse(readFileSync(event, 'utf8')) as { pull_request?: { number?: number } }).pull_request?.number
    : undefined;
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!number || !owner || !repo) {
    core.info('changed-only: not a pull_request event, so every finding is annotated');
    return undefined;
  }
  const { token, apiUrl } = gitHubInputs();
  const github = createGitHubClient({ token, apiUrl, log: (m) => core.info(m) });
  try {
    const files = await github.paginate(github.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: number,
      per_page: 100,
    });
    return new Set(files.map((f) => f.filename));
  } catch (error) {
    throw explainGitHubError(error, `listing the files of pull request #${number}`, Boolean(token));
  }
}
