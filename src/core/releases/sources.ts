// Where release data comes from: GitHub's release feed and advisories when reachable, the project's
// dataset when not (or offline), with a warning saying how old it is. The one GitHub-else-dataset rule.
import { AutopilotError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { silentLogger, type Logger } from '../logger.js';
import { compareVersions } from '../versions/parse.js';
import { mergeAdvisories, type Advisory } from './advisories.js';
import { describeDatasetAge, loadIstioDataset, type IstioDataset } from './dataset.js';
import { listIstioGitHubAdvisories } from './github-advisories.js';
import { listIstioReleases, type Release } from './github-releases.js';
import { HttpCache } from './http-cache.js';
import type { MinorSupport } from './support.js';

export interface ReleaseSources {
  releases: Release[];
  advisories: Advisory[];
  support: MinorSupport[];
  /** Where releases and advisories came from; `dataset` means GitHub could not be reached. */
  releasesFrom: 'github' | 'dataset';
  advisoriesFrom: 'github+dataset' | 'dataset';
  datasetAsOf: string;
  /** Warnings already logged (fallbacks), repeated in the summary. */
  warnings: string[];
}

export interface GatherOptions {
  /**
   * Directory for the ETag cache of the release feed and the advisories (conditional requests: a
   * warm run with nothing new asks page 1 of each and gets two 304s).
   */
  cacheDir?: string;
  logger?: Logger;
  now?: Date;
  dataset?: IstioDataset;
  /** Ask GitHub nothing: answer from the dataset, saying how old it is (the CLI's --offline). */
  offline?: boolean;
}

/** GitHub's release feed, else the dataset's releases; `error` says why it fell back. */
interface ReleaseFeed {
  releases: Release[];
  from: 'github' | 'dataset';
  error?: unknown;
}

/** The release feed from GitHub; on any failure the dataset's, leaving the warning to the caller. */
async function releaseFeed(
  client: GitHubClient,
  dataset: IstioDataset,
  options: { cache?: HttpCache; logger: Logger; now?: () => number },
): Promise<ReleaseFeed> {
  try {
    const releases = await listIstioReleases(client, {
      ...(options.cache ? { cache: options.cache } : {}),
      ...(options.now ? { now: options.now } : {}),
      logger: options.logger,
    });
    return { releases, from: 'github' };
  } catch (error) {
    return { releases: dataset.releases, from: 'dataset', error };
  }
}

function reasonOf(error: unknown): string {
  return error instanceof AutopilotError ? error.message : String(error);
}

/** Fetches releases and advisories from GitHub, falling back to the dataset with a warning each. */
export async function gatherReleaseSources(
  client: GitHubClient,
  options: GatherOptions = {},
): Promise<ReleaseSources> {
  const logger = options.logger ?? silentLogger;
  const dataset = options.dataset ?? loadIstioDataset();
  const age = describeDatasetAge(dataset, options.now ?? new Date());
  const warnings: string[] = [];
  const fallback = (what: string, error: unknown) => {
    const message = `Could not fetch ${what} from GitHub (${reasonOf(error)}); using ${age}. Newer releases or advisories may exist.`;
    logger.warning(message);
    warnings.push(message);
  };

  if (options.offline) return offlineSources(dataset, age, logger);

  // Both at once: when GitHub is down, the retries of each overlap instead of adding up.
  const cache = options.cacheDir ? new HttpCache(options.cacheDir) : undefined;
  const conditional = {
    ...(cache ? { cache } : {}),
    ...(options.now ? { now: () => options.now!.getTime() } : {}),
    logger,
  };
  const [feed, github] = await Promise.all([
    releaseFeed(client, dataset, conditional),
    listIstioGitHubAdvisories(client, conditional).then(
      (advisories) => ({ advisories, error: undefined }),
      (error: unknown) => ({ advisories: undefined, error: error ?? new Error('unknown error') }),
    ),
  ]);
  if (feed.from === 'dataset') fallback('the Istio release feed', feed.error);
  if (!github.advisories) fallback('security advisories', github.error);
  const advisories = github.advisories
    ? mergeAdvisories(dataset.advisories, github.advisories)
    : dataset.advisories;
  const advisoriesFrom: ReleaseSources['advisoriesFrom'] = github.advisories ? 'github+dataset' : 'dataset';
  if (feed.from === 'github' && advisoriesFrom === 'github+dataset') {
    logger.info(`Security bulletins from ${age}, merged with GitHub's advisories.`);
  }
  return {
    releases: feed.releases,
    advisories,
    support: dataset.support,
    releasesFrom: feed.from,
    advisoriesFrom,
    datasetAsOf: dataset.asOf,
    warnings,
  };
}

/** Offline: everything from the bundled dataset, said once. */
function offlineSources(dataset: IstioDataset, age: string, logger: Logger): ReleaseSources {
  const message = `Offline: releases and advisories come from ${age}. Newer releases or advisories may exist.`;
  logger.notice(message);
  return {
    releases: dataset.releases,
    advisories: dataset.advisories,
    support: dataset.support,
    releasesFrom: 'dataset',
    advisoriesFrom: 'dataset',
    datasetAsOf: dataset.asOf,
    warnings: [message],
  };
}

/** Every published version, oldest first, and where the list came from: what a bump target is checked against. */
export interface ReleaseList {
  /** Every published version (prereleases included), oldest first. */
  versions: string[];
  from: 'github' | 'dataset';
  /** For the dataset: how old it is, for messages. */
  datasetAge?: string;
}

/** GitHub's release list; on any failure the dataset's, with a warning saying why and how old it is. */
export async function listKnownReleases(
  client: GitHubClient,
  options: { logger?: Logger; dataset?: IstioDataset; now?: Date; offline?: boolean } = {},
): Promise<ReleaseList> {
  const logger = options.logger ?? silentLogger;
  const dataset = options.dataset ?? loadIstioDataset();
  const fromDataset = (why: string): ReleaseList => {
    const datasetAge = describeDatasetAge(dataset, options.now ?? new Date());
    logger.warning(`${why}; checking the version against ${datasetAge} instead.`);
    return { versions: sortedVersions(dataset.releases), from: 'dataset', datasetAge };
  };
  if (options.offline) return fromDataset('Offline: GitHub is not asked for releases');
  const feed = await releaseFeed(client, dataset, { logger });
  if (feed.from === 'dataset')
    return fromDataset(`Could not list Istio's releases on GitHub (${reasonOf(feed.error)})`);
  return { versions: sortedVersions(feed.releases), from: 'github' };
}

/** The release list of already gathered sources (the pipeline checks its target against these). */
export function releaseListOf(sources: ReleaseSources, now = new Date()): ReleaseList {
  return {
    versions: sortedVersions(sources.releases),
    from: sources.releasesFrom,
    ...(sources.releasesFrom === 'dataset'
      ? { datasetAge: describeDatasetAge({ asOf: sources.datasetAsOf }, now) }
      : {}),
  };
}

function sortedVersions(releases: readonly Release[]): string[] {
  return releases.map((r) => r.version).sort(compareVersions);
}
