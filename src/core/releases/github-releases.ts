// Istio's release feed from the GitHub REST API: every page, drafts dropped, only tags that are
// Istio versions, and conditional requests through an on-disk ETag cache.
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { NetworkError } from '../errors.js';
import { explainGitHubError, type GitHubClient } from '../github/client.js';
import { compareVersions, parseIstioVersion } from '../versions/parse.js';
import type { HttpCache } from './http-cache.js';

/** A published Istio release. */
export interface Release {
  /** Normalised version without a `v` (1.31.0, 1.31.0-rc.0). */
  version: string;
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
}

export const ISTIO_REPOSITORY = 'istio/istio';

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
 * unchanged pages come back as 304s. Failures are explained (a rate limit says to pass github-token).
 */
export async function listIstioReleases(
  client: GitHubClient,
  options: ListReleasesOptions = {},
): Promise<Release[]> {
  const [owner, repo] = (options.repository ?? ISTIO_REPOSITORY).split('/');
  const logger = options.logger ?? silentLogger;
  const what = `listing the releases of ${owner}/${repo}`;
  const hasToken = ((await client.auth()) as { type?: string }).type !== 'unauthenticated';
  const listed: ListedRelease[] = [];
  const visited = new Set<string>();
  let url: string | undefined = client.request.endpoint({
    method: 'GET',
    url: '/repos/{owner}/{repo}/releases',
    owner,
    repo,
    per_page: 100,
  }).url;
  let notModified = 0;
  while (url && !visited.has(url)) {
    visited.add(url);
    const cached = await options.cache?.get(url);
    let page: ListedRelease[];
    let link: string | undefined;
    try {
      const response = await client.request({
        method: 'GET',
        url,
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
      if (!Array.isArray(response.data)) {
        throw new NetworkError(
          `GitHub answered ${url} with JSON that is not a list of releases while ${what}`,
          {
            input: 'github-api-url',
            hint: 'Check that github-api-url points at the GitHub REST API (for GHES: https://<host>/api/v3).',
          },
        );
      }
      page = (response.data as ListedRelease[]).map(keptFields);
      link = response.headers.link;
      const etag = response.headers.etag;
      if (options.cache && etag)
        await options.cache.put(url, { etag, body: page, ...(link ? { link } : {}) });
    } catch (error) {
      if (!cached || (error as { status?: number }).status !== 304)
        throw explainGitHubError(error, what, hasToken);
      notModified++;
      page = cached.body as ListedRelease[];
      link = (error as { response?: { headers?: { link?: string } } }).response?.headers?.link ?? cached.link;
    }
    listed.push(...page);
    url = nextPageUrl(link);
  }
  logger.debug(`${what}: ${listed.length} releases over ${visited.size} pages, ${notModified} not modified`);
  return toReleases(listed);
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
      version: parsed.version,
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

/** The `rel="next"` target of a Link header. */
export function nextPageUrl(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
