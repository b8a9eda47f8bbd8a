// Whether a bump target is a real Istio release: GitHub's live release list, or the project's dataset
// when GitHub cannot be reached (it may lag, so a target newer than it is never accepted silently).
import { AutopilotError, InvalidInputError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { describeDatasetAge, loadIstioDataset } from '../releases/dataset.js';
import type { IstioDataset } from '../releases/dataset.js';
import { listIstioReleases } from '../releases/github-releases.js';
import { compareVersions, parseIstioVersion, sortVersions } from '../versions/parse.js';

export interface ReleaseList {
  /** Every published version (prereleases included), oldest first. */
  versions: string[];
  from: 'github' | 'dataset';
  /** For the dataset: how old it is, for messages. */
  datasetAge?: string;
}

/** GitHub's release list; on any failure the dataset's, with a warning saying why and how old it is. */
export async function listReleasesForBump(
  client: GitHubClient,
  options: { logger?: Logger; dataset?: IstioDataset; now?: Date; offline?: boolean } = {},
): Promise<ReleaseList> {
  const logger = options.logger ?? silentLogger;
  const fromDataset = (why: string): ReleaseList => {
    const dataset = options.dataset ?? loadIstioDataset();
    const datasetAge = describeDatasetAge(dataset, options.now ?? new Date());
    logger.warning(`${why}; checking the version against ${datasetAge} instead.`);
    return { versions: sortVersions(dataset.releases.map((r) => r.version)), from: 'dataset', datasetAge };
  };
  if (options.offline) return fromDataset('Offline: GitHub is not asked for releases');
  try {
    const releases = await listIstioReleases(client, { logger });
    return { versions: sortVersions(releases.map((r) => r.version)), from: 'github' };
  } catch (error) {
    const reason = error instanceof AutopilotError ? error.message : String(error);
    return fromDataset(`Could not list Istio's releases on GitHub (${reason})`);
  }
}

/**
 * Refuses a target that is not in the list, naming the input and the nearest releases, unless
 * `allowUnreleased` (then it warns). Returns the normalised target; a target that is not a version at
 * all is left to the planner's own error.
 */
export function checkReleaseTarget(
  target: string,
  list: ReleaseList,
  options: { allowUnreleased?: boolean; logger?: Logger } = {},
): string {
  const logger = options.logger ?? silentLogger;
  const parsed = parseIstioVersion(target);
  if (!parsed) return target;
  const version = parsed.version;
  const source = list.from === 'github' ? "GitHub's release list" : list.datasetAge!;
  if (list.versions.includes(version)) {
    logger.info(`${version} is an Istio release (checked against ${source})`);
    return version;
  }
  if (options.allowUnreleased) {
    logger.warning(`${version} is not in ${source}; pinning it anyway because allow-unreleased is set`);
    return version;
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
function nearestReleases(version: string, versions: readonly string[], prerelease: boolean): string[] {
  const nearby = versions.filter((v) => prerelease || parseIstioVersion(v)?.prerelease === false);
  const below = nearby.filter((v) => compareVersions(v, version) < 0).slice(-2);
  const above = nearby.filter((v) => compareVersions(v, version) > 0).slice(0, 2);
  return [...below, ...above];
}
