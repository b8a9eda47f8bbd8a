// bump-istio-version: rewrites every Istio pin of the chosen role to one version, byte-minimally.
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { bumpIstioVersion } from '../core/pins/bump.js';
import { checkReleaseTarget } from '../core/releases/release-target.js';
import { listKnownReleases } from '../core/releases/sources.js';
import { renderBumpSummary } from '../core/pins/summary.js';
import {
  actionsLogger,
  booleanInput,
  choiceInput,
  gitHubInputs,
  listInput,
  runEntry,
  setJsonOutput,
  stringInput,
  writeSummary,
} from './support/entry.js';
import { InvalidInputError } from '../core/errors.js';

await runEntry(async () => {
  const version = stringInput('version');
  if (!version)
    throw new InvalidInputError('a version is required', { input: 'version', hint: 'Set version: 1.24.2.' });
  const dryRun = booleanInput('dry-run', false);
  const { token, apiUrl } = gitHubInputs();
  // Few retries: when GitHub is unreachable the bundled dataset answers, so waiting longer buys little.
  const github = createGitHubClient({ token, apiUrl, retries: 1, log: (m) => core.info(m) });
  const releases = await listKnownReleases(github, { logger: actionsLogger });
  const target = checkReleaseTarget(version, releases, {
    allowUnreleased: booleanInput('allow-unreleased', false),
    logger: actionsLogger,
  });
  const result = bumpIstioVersion({
    root: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    target,
    paths: listInput('paths'),
    role: choiceInput('role', ['control-plane', 'data-plane', 'all'] as const, 'control-plane'),
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
  core.setOutput('inconsistent', String(result.before.inconsistent));
  await writeSummary(renderBumpSummary(result, dryRun));
});
