// A paged GitHub list read conditionally through the on-disk ETag cache. Both lists we read (the
// release feed and the advisories) are newest first, so anything new lands on page 1: when page 1 is
// unchanged, the later pages are answered from the cache without asking (ADR 0013). Unchanged means
// a 304, or a 200 whose body is the cached one: GitHub's ETags vary with the token, and a workflow's
// GITHUB_TOKEN is new every run, so a 304 cannot be counted on. The later pages are revalidated
// (asked with If-None-Match) once last confirmed longer ago than `revalidateAfterMs`, which catches
// what page 1 cannot show: an old entry edited or deleted.
import { explainGitHubError, type GitHubClient } from '../github/client.js';
import type { CachedResponse, HttpCache } from './http-cache.js';

/** A week: a warm daily run asks once per list on six days of seven. */
const DEFAULT_REVALIDATE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export interface ConditionalPagesOptions<T> {
  cache?: HttpCache;
  /** What is being listed, for errors: `listing the releases of istio/istio`. */
  what: string;
  hasToken: boolean;
  /** Checks one page's JSON and keeps what is cached of it; throws a clear error on the wrong shape. */
  keep: (data: unknown, url: string) => T[];
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
  revalidateAfterMs?: number;
}

export interface ConditionalPages<T> {
  items: T[];
  pages: number;
  /** Requests sent. */
  requests: number;
  /** Requests answered 304. */
  notModified: number;
  /** Pages answered from the cache without a request (page 1 was unchanged). */
  reused: number;
}

export async function listPagesConditionally<T>(
  client: GitHubClient,
  firstUrl: string,
  options: ConditionalPagesOptions<T>,
): Promise<ConditionalPages<T>> {
  const { cache } = options;
  const now = (options.now ?? Date.now)();
  const revalidateAfter = options.revalidateAfterMs ?? DEFAULT_REVALIDATE_AFTER_MS;
  const result: ConditionalPages<T> = { items: [], pages: 0, requests: 0, notModified: 0, reused: 0 };
  const visited = new Set<string>();
  let firstUnchanged = false;
  let url: string | undefined = firstUrl;
  while (url && !visited.has(url)) {
    visited.add(url);
    result.pages++;
    const cached = await cache?.get(url);
    if (firstUnchanged && cached && isFresh(cached, now, revalidateAfter)) {
      result.reused++;
      result.items.push(...(cached.body as T[]));
      url = nextPageUrl(cached.link);
      continue;
    }
    let page: T[];
    let link: string | undefined;
    result.requests++;
    try {
      const response = await client.request({
        method: 'GET',
        url,
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
      page = options.keep(response.data, url);
      link = response.headers.link;
      if (visited.size === 1 && cached && sameBody(page, cached.body)) firstUnchanged = true;
      const etag = response.headers.etag;
      if (cache && etag) await cache.put(url, stored(etag, page, link, now));
    } catch (error) {
      if (!cached || (error as { status?: number }).status !== 304)
        throw explainGitHubError(error, options.what, options.hasToken);
      result.notModified++;
      if (visited.size === 1) firstUnchanged = true;
      page = cached.body as T[];
      link = (error as { response?: { headers?: { link?: string } } }).response?.headers?.link ?? cached.link;
      // Confirmed unchanged now: the page may be reused for another revalidation period.
      if (cache) await cache.put(url, stored(cached.etag, page, link, now));
    }
    result.items.push(...page);
    url = nextPageUrl(link);
  }
  return result;
}

function stored(etag: string, body: unknown, link: string | undefined, now: number): CachedResponse {
  return { etag, body, ...(link ? { link } : {}), validatedAt: now };
}

/** Kept pages are built field by field in one order, so equal content serialises equally. */
function sameBody(page: unknown, cached: unknown): boolean {
  return JSON.stringify(page) === JSON.stringify(cached);
}

function isFresh(cached: CachedResponse, now: number, revalidateAfter: number): boolean {
  return (
    cached.validatedAt !== undefined &&
    now - cached.validatedAt >= 0 &&
    now - cached.validatedAt < revalidateAfter
  );
}

/** The `rel="next"` target of a Link header. */
export function nextPageUrl(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
