// `istio-autopilot bump`: rewrite the repo's Istio pins to a version, byte-minimally.
import { resolve } from 'node:path';
import { createGitHubClient } from '../../core/github/client.js';
import { bumpIstioVersion } from '../../core/pins/bump.js';
import { listReleasesForBump } from '../../core/pins/release-target.js';
import type { RoleSelection } from '../../core/pins/types.js';
import { InvalidInputError } from '../../core/errors.js';
import { EXIT, GITHUB_OPTIONS, gitHubSettings, list, text, type Command } from '../command.js';

const ROLES: RoleSelection[] = ['control-plane', 'data-plane', 'all'];

export const bumpCommand: Command = {
  name: 'bump',
  summary: 'Rewrite every Istio pin of a role to a version (comments and formatting kept)',
  usage:
    'istio-autopilot bump --version <v> [--repo <dir>] [--paths <glob,...>] [--role control-plane|data-plane|all] [--dry-run]',
  options: {
    version: { type: 'string' },
    repo: { type: 'string' },
    paths: { type: 'string', multiple: true },
    role: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'allow-unreleased': { type: 'boolean' },
    ...GITHUB_OPTIONS,
  },
  async run(values, context) {
    const version = text(values, 'version');
    if (!version) throw new InvalidInputError('--version is required', { input: 'version' });
    const role = (text(values, 'role') ?? 'control-plane') as RoleSelection;
    if (!ROLES.includes(role))
      throw new InvalidInputError(`'${role}' is not a role`, {
        input: 'role',
        hint: `Use ${ROLES.join(', ')}.`,
      });
    const github = gitHubSettings(values, context.env);
    const releases = await listReleasesForBump(
      createGitHubClient({ token: github.token, apiUrl: github.apiUrl, retries: 1, log: context.log.info }),
      { logger: context.log, offline: github.offline },
    );
    const result = bumpIstioVersion({
      root: resolve(text(values, 'repo') ?? '.'),
      version,
      paths: list(values, 'paths'),
      role,
      dryRun: values['dry-run'] === true,
      allowUnreleased: values['allow-unreleased'] === true,
      releases,
      logger: context.log,
    });
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
      context.stdout(
        `${values['dry-run'] ? 'would change' : 'changed'} ${result.changedFiles.length} file(s)`,
      );
    }
    return EXIT.ok;
  },
};
