// `istio-autopilot check`: is a version (or the repo's) vulnerable, end-of-life, and what is next.
import { join, resolve } from 'node:path';
import { createGitHubClient } from '../../core/github/client.js';
import { checkIstioRelease } from '../../core/releases/check-release.js';
import { failOnReasons } from '../../core/releases/fail-on.js';
import { readRunningVersion } from '../../core/mesh/running-version.js';
import { CHECK_OPTIONS } from '../../options/check.js';
import { EXIT, flagsOf, gitHubSettings, readFlags, type Command } from '../command.js';
import { cliCacheRoot } from './istioctl-binary.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Advisories, end of life, next hop and path for a version or the repo; exit 3 on --fail-on',
  usage:
    'istio-autopilot check [--current-version <v> | --repo <dir> [--paths <glob,...>]] [--policy <p>] [--fail-on outdated,vulnerable,eol,unsupported-kubernetes] [--offline] [--json]',
  options: flagsOf(CHECK_OPTIONS),
  table: CHECK_OPTIONS,
  async run(values, context) {
    const flags = readFlags(CHECK_OPTIONS, values);
    const failOn = flags['fail-on'];
    const given = flags['current-version'];
    const pinned = given
      ? undefined
      : await readRunningVersion({
          workspace: resolve(flags.repo ?? '.'),
          paths: flags.paths,
          logger: context.log,
        });
    const github = gitHubSettings(values, context.env);
    const check = await checkIstioRelease(
      createGitHubClient({ token: github.token, apiUrl: github.apiUrl, retries: 1, log: context.log.info }),
      {
        currentVersion: given ?? pinned!.version,
        currentFrom: pinned ? { file: pinned.file, line: pinned.line } : { input: 'current-version' },
        dataPlaneVersion: pinned?.dataPlaneVersion,
        policy: flags['version-policy'],
        strategy: flags.strategy,
        includePrereleases: flags['include-prereleases'],
        kubernetesVersion: flags['kubernetes-version'],
        offline: github.offline,
        cacheDir: join(cliCacheRoot(context.env), 'http'),
        logger: context.log,
      },
    );
    const reasons = failOnReasons(check, failOn);
    if (context.json) {
      context.stdout(JSON.stringify({ ...check, failed: reasons }, null, 2));
    } else {
      context.stdout(
        [
          `current ${check.current}, target ${check.target ?? 'none'}, latest ${check.latest ?? 'unknown'}`,
          `path: ${check.upgradePath.join(' -> ') || 'none'}`,
          `vulnerable: ${check.vulnerable ? check.advisories.map((a) => a.id).join(', ') : 'no'}`,
          `end of life: ${check.eol ? `yes (${check.eolDate})` : 'no'}`,
          ...reasons.map((r) => `fail-on: ${r}`),
        ].join('\n'),
      );
    }
    return reasons.length > 0 ? EXIT.checkFailed : EXIT.ok;
  },
};
