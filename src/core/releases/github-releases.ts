// Istio's release feed from the GitHub REST API: every page, drafts dropped, only tags that are
// Istio versions, and conditional requests through an on-disk ETag cache.
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { NetworkError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { compareVersions, parseIstioVersion, type IstioVersion } from '../versions/parse.js';
import { listPagesConditionally } from './conditional-pages.js';
import type { HttpCache } from './http-cache.js';

/**
 * A published Istio release, its version parsed once where it entered (the feed or the dataset): the
 * checks downstream read `major`, `minor` and `patch` instead of parsing `version` again.
 */
export interface Release extends IstioVersion {
  /** The git tag as published (Istio's have no `v`). */
  tag: string;
  /** True when the version has a prerelease part or GitHub flags the release as one. */
  prerelease: boolean;
  /** Never true: drafts are dropped. */
  draft?: false;
  publishedAt?: string;
  /** The release page on GitHub. */
  url?: string;
}

export interface ListReleasesOptions {
  /** `owner/name`; default istio/istio. */
  repository?: string;
  /** Cache for conditional requests; without it every page is fetched in full. */
  cache?: HttpCache;
  logger?: Logger;
  /** Clock for the cache's revalidation period (ms since the epoch). */
  now?: () => number;
}

const ISTIO_REPOSITORY = 'istio/istio';

/** The fields we keep of each listed release (the full JSON with assets is large). */
interface ListedRelease {
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
  published_at: string | null;
  html_url: string;
}

/**
 * Lists every published Istio release, newest version first. Follows all pages (100 per page),
 * drops drafts and tags that are not Istio versions, and, given a cache, sends If-None-Match so
 * unchanged pages come back as 304s; a 304 on page 1 ends the walk (listPagesConditionally).
 * Failures are explained (a rate limit says to pass github-token).
 */
export async function listIstioReleases(
  client: GitHubClient,
  options: ListReleasesOptions = {},
): Promise<Release[]> {
  const [owner, repo] = (options.repository ?? ISTIO_REPOSITORY).split('/');
  const logger = options.logger ?? silentLogger;
  const what = `listing the releases of ${owner}/${repo}`;
  const hasToken = ((await client.auth()) as { type?: string }).type !== 'unauthenticated';
  const firstUrl = client.request.endpoint({
    method: 'GET',
    url: '/repos/{owner}/{repo}/releases',
    owner,
    repo,
    per_page: 100,
  }).url;
  const pages = await listPagesConditionally(client, firstUrl, {
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.now ? { now: options.now } : {}),
    what,
    hasToken,
    keep: (data, url) => {
      if (!Array.isArray(data)) {
        throw new NetworkError(
          `GitHub answered ${url} with JSON that is not a list of releases while ${what}`,
          {
            input: 'github-api-url',
            hint: 'Check that github-api-url points at the GitHub REST API (for GHES: https://<host>/api/v3).',
          },
        );
      }
      return (data as ListedRelease[]).map(keptFields);
    },
  });
  logger.debug(
    `${what}: ${pages.items.length} releases over ${pages.pages} pages, ${pages.requests} asked, ` +
      `${pages.notModified} not modified, ${pages.reused} from the cache`,
  );
  return toReleases(pages.items);
}

function keptFields(r: ListedRelease): ListedRelease {
  return {
    tag_name: r.tag_name,
    draft: r.draft,
    prerelease: r.prerelease,
    published_at: r.published_at,
    html_url: r.html_url,
  };
}

function toReleases(listed: readonly ListedRelease[]): Release[] {
  const byVersion = new Map<string, Release>();
  for (const item of listed) {
    if (item.draft) continue;
    const parsed = parseIstioVersion(item.tag_name);
    if (!parsed) continue;
    const release: Release = {
      ...parsed,
      tag: item.tag_name,
      prerelease: parsed.prerelease || item.prerelease,
      ...(item.published_at ? { publishedAt: item.published_at } : {}),
      ...(item.html_url ? { url: item.html_url } : {}),
    };
    // Istio also has `v`-prefixed Go tags; prefer the bare release tag if both were released.
    const existing = byVersion.get(parsed.version);
    if (!existing || existing.tag.startsWith('v')) byVersion.set(parsed.version, release);
  }
  return [...byVersion.values()].sort((a, b) => compareVersions(b.version, a.version));
}

/** A release of a version text, parsed here (the dataset's and tests' entry); undefined if not a version. */
export function releaseOf(
  text: string,
  fields: Partial<Omit<Release, keyof IstioVersion>> & { prerelease?: boolean } = {},
): Release | undefined {
  const parsed = parseIstioVersion(text);
  if (!parsed) return undefined;
  return { ...parsed, tag: text, ...fields, prerelease: parsed.prerelease || fields.prerelease === true };
}
