// Turns a version spec (latest, a range, an exact version) into the one Istio release it means: an
// exact version needs no listing; anything else is resolved over every published release.
import type { GitHubClient } from '../github/client.js';
import type { Logger } from '../logger.js';
import { exactVersionOf, resolveVersion, toSemverRange } from '../versions/range.js';
import { listIstioReleases, type Release } from './github-releases.js';
import { HttpCache } from './http-cache.js';

/** What resolving reads of a release: any list of them will do (the feed, or what is cached). */
export type ListedRelease = Pick<Release, 'version' | 'tag' | 'prerelease'>;

export interface VersionRequest {
  /** latest, 1.24.2, 1.24, 1.24.x, ~1.24.0, ^1.24.0, '>=1.23 <1.25', joined with '||'. */
  spec: string;
  /** The input (or file) the spec came from, named in errors. */
  input: string;
  includePrereleases: boolean;
}

export interface ResolvedVersion {
  version: string;
  /** The release tag downloads live under. */
  tag: string;
  /** False when the spec was exact and no release listing was needed. */
  listed: boolean;
}

/** Resolves `request`; `listReleases` is only called when the spec is not an exact version. */
export async function resolveIstioctlVersion(
  request: VersionRequest,
  listReleases: () => Promise<ListedRelease[]>,
): Promise<ResolvedVersion> {
  // An invalid range fails here, naming the input, before any request is made.
  toSemverRange(request.spec, request.input);
  const exact = exactVersionOf(request.spec);
  // Istio's release tags carry no `v`.
  if (exact) return { version: exact, tag: exact, listed: false };
  const releases = await listReleases();
  const candidates = request.includePrereleases ? releases : releases.filter((r) => !r.prerelease);
  const version = resolveVersion(
    request.spec,
    candidates.map((r) => r.version),
    { includePrereleases: request.includePrereleases, input: request.input },
  );
  const release = candidates.find((r) => r.version === version)!;
  return { version, tag: release.tag, listed: true };
}

export interface ReleaseListing {
  github: GitHubClient;
  /** Offline: the releases to resolve over instead of asking GitHub (e.g. what is cached). */
  offlineReleases?: () => ListedRelease[];
  /** Where release listings are cached for conditional requests; none if unset. */
  httpCacheDir?: string;
  logger?: Logger;
}

/** resolveIstioctlVersion over GitHub's release list, asked only when the spec is not exact. */
export async function resolveIstioRelease(
  request: VersionRequest,
  listing: ReleaseListing,
): Promise<ResolvedVersion> {
  const resolved = await resolveIstioctlVersion(request, async () =>
    listing.offlineReleases
      ? listing.offlineReleases()
      : listIstioReleases(listing.github, {
          ...(listing.logger ? { logger: listing.logger } : {}),
          ...(listing.httpCacheDir ? { cache: new HttpCache(listing.httpCacheDir) } : {}),
        }),
  );
  if (resolved.listed)
    listing.logger?.info(`Resolved ${request.input} '${request.spec}' to istioctl ${resolved.version}`);
  return resolved;
}
