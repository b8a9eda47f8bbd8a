// `istio-autopilot bump`: rewrite the repo's Istio pins to a version, byte-minimally.
import { resolve } from 'node:path';
import { createGitHubClient } from '../../core/github/client.js';
import { bumpIstioVersion } from '../../core/bump/bump.js';
import { checkReleaseTarget } from '../../core/releases/release-target.js';
import { listKnownReleases } from '../../core/releases/sources.js';
import { InvalidInputError } from '../../core/errors.js';
import { BUMP_OPTIONS } from '../../options/bump.js';
import { EXIT, flagsOf, gitHubSettings, readFlags, type Command, type CommandContext } from '../command.js';

export const bumpCommand: Command = {
  name: 'bump',
  summary: 'Rewrite every Istio pin of a role to a version (comments and formatting kept)',
  usage:
    'istio-autopilot bump --version <v> [--repo <dir>] [--paths <glob,...>] [--role control-plane|data-plane|all] [--dry-run]',
  options: flagsOf(BUMP_OPTIONS),
  table: BUMP_OPTIONS,
  async run(values, context) {
    const flags = readFlags(BUMP_OPTIONS, values);
    const version = flags.version;
    if (!version)
      throw new InvalidInputError('a version is required', {
        input: 'version',
        hint: 'Pass --version 1.24.2.',
      });
    const github = gitHubSettings(values, context.env);
    const releases = await listKnownReleases(
      createGitHubClient({ token: github.token, apiUrl: github.apiUrl, retries: 1, log: context.log.info }),
      { logger: context.log, offline: github.offline },
    );
    const target = checkReleaseTarget(version, releases, {
      allowUnreleased: flags['allow-unreleased'],
      logger: context.log,
    });
    const result = bumpIstioVersion({
      root: resolve(flags.repo ?? '.'),
      target,
      paths: flags.paths,
      role: flags.role,
      dryRun: flags['dry-run'],
      logger: context.log,
    });
    printBump(result, flags['dry-run'], context);
    return EXIT.ok;
  },
};

/** The pins and source moves, as JSON or one line each, and how many files changed. */
function printBump(
  result: ReturnType<typeof bumpIstioVersion>,
  dryRun: boolean,
  context: CommandContext,
): void {
  const pins = result.plan.edits.map((e) => ({
    file: e.pin.file,
    line: e.pin.line,
    kind: e.pin.kind,
    from: e.pin.version,
    to: e.target,
  }));
  const sourceMoves = result.sourcePlan.moves.map((m) => ({
    file: m.source.file,
    line: m.source.line,
    from: m.source.value,
    to: m.replacement,
  }));
  if (context.json) {
    context.stdout(
      JSON.stringify(
        {
          changedFiles: result.changedFiles,
          previousVersions: result.previousVersions,
          inconsistent: result.before.inconsistent,
          pins,
          sourceMoves,
        },
        null,
        2,
      ),
    );
  } else {
    for (const p of pins) context.stdout(`${p.file}:${p.line}  ${p.kind}  ${p.from} -> ${p.to}`);
    for (const m of sourceMoves) context.stdout(`${m.file}:${m.line}  source  ${m.from} -> ${m.to}`);
    context.stdout(`${dryRun ? 'would change' : 'changed'} ${result.changedFiles.length} file(s)`);
  }
}
