// `istio-autopilot bump`: rewrite the repo's Istio pins to a version, byte-minimally.
import { resolve } from 'node:path';
import { createGitHubClient } from '../../core/github/client.js';
import { bumpIstioVersion } from '../../core/pins/bump.js';
import { checkReleaseTarget } from '../../core/releases/release-target.js';
import { listKnownReleases } from '../../core/releases/sources.js';
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
    const releases = await listKnownReleases(
      createGitHubClient({ token: github.token, apiUrl: github.apiUrl, retries: 1, log: context.log.info }),
      { logger: context.log, offline: github.offline },
    );
    const target = checkReleaseTarget(version, releases, {
      allowUnreleased: values['allow-unreleased'] === true,
      logger: context.log,
    });
    const result = bumpIstioVersion({
      root: resolve(text(values, 'repo') ?? '.'),
      target,
      paths: list(values, 'paths'),
      role,
      dryRun: values['dry-run'] === true,
      logger: context.log,
    });
    const pins = result.plan.edits.map((e) => ({
      file: e.pin.file,
      line: e.pin.line,
      kind: e.pin.kind,
      from: e.pin.version,
      to: e.target,
    }));
    if (context.json) {
      context.stdout(
        JSON.stringify(
          {
            changedFiles: result.changedFiles,
            previousVersions: result.previousVersions,
            inconsistent: result.before.inconsistent,
            pins,
          },
          null,
          2,
        ),
      );
    } else {
      for (const p of pins) context.stdout(`${p.file}:${p.line}  ${p.kind}  ${p.from} -> ${p.to}`);
      context.stdout(
        `${values['dry-run'] ? 'would change' : 'changed'} ${result.changedFiles.length} file(s)`,
      );
    }
    return EXIT.ok;
  },
};
