// Whether a bump target is a real Istio release: GitHub's live release list, or the project's dataset
// when GitHub cannot be reached (it may lag, so a target newer than it is never accepted silently).
// The only place a target is validated; pins/ receives the result.
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { compareVersions, parseIstioVersion } from '../versions/parse.js';
import type { ReleaseList } from './sources.js';

/** A bump target that is a normalised Istio version, checked against a release list (or let through). */
export interface ReleaseTarget {
  version: string;
  /** The list it was checked against; undefined when none was consulted. */
  checkedAgainst?: ReleaseList['from'];
}

/**
 * Refuses a target that is not in the list, naming the input and the nearest releases, unless
 * `allowUnreleased` (then it warns). Returns the normalised target.
 */
export function checkReleaseTarget(
  target: string,
  list: ReleaseList,
  options: { allowUnreleased?: boolean; logger?: Logger } = {},
): ReleaseTarget {
  const logger = options.logger ?? silentLogger;
  const source = list.from === 'github' ? "GitHub's release list" : list.datasetAge!;
  // A listed version is normalised already (the feed parsed it): the plan's target needs no parse.
  if (list.versions.includes(target)) {
    logger.info(`${target} is an Istio release (checked against ${source})`);
    return { version: target, checkedAgainst: list.from };
  }
  const parsed = parseIstioVersion(target);
  if (!parsed) {
    throw new InvalidInputError(`'${target}' is not an Istio version`, {
      input: 'version',
      hint: 'Give an exact release such as 1.24.2 (a leading v is accepted).',
    });
  }
  const version = parsed.version;
  const checked: ReleaseTarget = { version, checkedAgainst: list.from };
  if (list.versions.includes(version)) {
    logger.info(`${version} is an Istio release (checked against ${source})`);
    return checked;
  }
  if (options.allowUnreleased) {
    logger.warning(`${version} is not in ${source}; pinning it anyway because allow-unreleased is set`);
    return checked;
  }
  const newest = list.versions[list.versions.length - 1];
  if (list.from === 'dataset' && (!newest || compareVersions(version, newest) > 0)) {
    throw new InvalidInputError(
      `${version} is newer than every release in ${source} (newest ${newest ?? 'none'}), and GitHub could not be reached to confirm it`,
      {
        input: 'version',
        hint: 'Pass github-token (and check github-api-url) so the live release list can be read, or set allow-unreleased: true to pin it unchecked. Nothing was written.',
      },
    );
  }
  throw new InvalidInputError(`${version} is not an Istio release (checked against ${source})`, {
    input: 'version',
    hint: `The nearest releases are ${nearestReleases(version, list.versions, parsed.prerelease).join(', ')}. Check the version, or set allow-unreleased: true to pin a build that is not a published release. Nothing was written.`,
  });
}

/** Two releases below and two above where `version` would sit; GA only unless a prerelease was asked for. */
export function nearestReleases(version: string, versions: readonly string[], prerelease: boolean): string[] {
  const nearby = versions.filter((v) => prerelease || parseIstioVersion(v)?.prerelease === false);
  const below = nearby.filter((v) => compareVersions(v, version) < 0).slice(-2);
  const above = nearby.filter((v) => compareVersions(v, version) > 0).slice(0, 2);
  return [...below, ...above];
}
