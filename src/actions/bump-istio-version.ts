// bump-istio-version: rewrites every Istio pin of the chosen role to one version, byte-minimally.
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { bumpIstioVersion } from '../core/bump/bump.js';
import { checkReleaseTarget } from '../core/releases/release-target.js';
import { listKnownReleases } from '../core/releases/sources.js';
import { renderBumpSummary } from '../core/bump/summary.js';
import { InvalidInputError } from '../core/errors.js';
import { BUMP_OPTIONS } from '../options/bump.js';
import {
  actionsLogger,
  gitHubInputs,
  readInputs,
  runEntry,
  setJsonOutput,
  writeSummary,
} from './support/entry.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/bump-istio-version.ts. */
export function run(): Promise<void> {
  return runEntry(main);
}

async function main(): Promise<void> {
  const inputs = readInputs(BUMP_OPTIONS);
  const version = inputs.version;
  if (!version)
    throw new InvalidInputError('a version is required', { input: 'version', hint: 'Set version: 1.24.2.' });
  const dryRun = inputs['dry-run'];
  const { token, apiUrl } = gitHubInputs(inputs);
  // Few retries: when GitHub is unreachable the bundled dataset answers, so waiting longer buys little.
  const github = createGitHubClient({ token, apiUrl, retries: 1, log: (m) => core.info(m) });
  const releases = await listKnownReleases(github, { logger: actionsLogger });
  const target = checkReleaseTarget(version, releases, {
    allowUnreleased: inputs['allow-unreleased'],
    logger: actionsLogger,
  });
  const result = bumpIstioVersion({
    root: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    target,
    paths: inputs.paths,
    role: inputs.role,
    dryRun,
    logger: actionsLogger,
  });
  const targets = new Map(result.plan.edits.map((e) => [e.pin, e.target]));
  setJsonOutput('changed-files', result.changedFiles);
  setJsonOutput(
    'pins',
    result.pins.map((pin) => {
      const { start: _start, end: _end, ...shown } = pin;
      return { ...shown, target: targets.get(pin) };
    }),
  );
  setJsonOutput('previous-versions', result.previousVersions);
  setJsonOutput(
    'moved-sources',
    result.sourcePlan.moves.map((m) => ({
      file: m.source.file,
      line: m.source.line,
      location: m.source.location,
      from: m.source.value,
      to: m.replacement,
    })),
  );
  core.setOutput('inconsistent', String(result.before.inconsistent));
  await writeSummary(renderBumpSummary(result, dryRun));
}
