// Plans the hops from the running version to the newest one a policy allows, by Istio's upgrade rules:
// patch first, then one minor per hop in place or up to two per hop with canary revisions, each hop
// landing on the newest patch of its minor.
import { compareVersions, istioVersionOf, type IstioVersion, type VersionInput } from './parse.js';
import { parseVersionPolicy, policyAllows, type VersionPolicy } from './policy.js';

export const UPGRADE_STRATEGIES = ['in-place', 'canary'] as const;
export type UpgradeStrategy = (typeof UPGRADE_STRATEGIES)[number];
export type UpdateType = 'patch' | 'minor' | 'major' | 'none';

export interface UpgradeHop {
  from: string;
  to: string;
  type: Exclude<UpdateType, 'none'>;
}

/** A release as the feed or the dataset gives it (parsed there); a bare string works too. */
export type ReleaseLike = VersionInput & (string | { prerelease?: boolean });

export interface UpgradePathRequest {
  /** The running version; parsed already by a caller that validated it. */
  current: string | IstioVersion;
  releases: readonly ReleaseLike[];
  /** A parsed policy or its text (`latest`, `patch`, `1.30.x`...). Default `latest`. */
  policy?: VersionPolicy | string;
  strategy?: UpgradeStrategy;
  includePrereleases?: boolean;
  /** Minors still supported (`1.30`); needed only by the `supported` policy. */
  supportedMinors?: readonly string[];
}

export interface UpgradePath {
  current: string;
  /** The newest GA release in the list, whatever the policy. */
  latest?: string;
  /** The newest release the policy allows: where the path ends. */
  destination?: string;
  /** The next hop to take (the first of `hops`). */
  target?: string;
  /** `target`, parsed: callers that go on to match advisories or pins need not parse it again. */
  targetVersion?: IstioVersion;
  hops: UpgradeHop[];
  /** The type of the next hop. */
  updateType: UpdateType;
  /** The running version is newer than every GA release listed (a prerelease, or a feed that lags). */
  currentIsAheadOfLatest: boolean;
  /** Set when the path stops short of `destination` (a minor with no usable release in between). */
  blockedBy?: string;
}

/** Hop minors per strategy: Istio upgrades in place one minor at a time; revisions may skip one. */
const MAX_MINORS_PER_HOP: Record<UpgradeStrategy, number> = { 'in-place': 1, canary: 2 };

export function planUpgradePath(request: UpgradePathRequest): UpgradePath {
  const current = istioVersionOf(request.current);
  if (!current) throw new Error(`not an Istio version: ${String(request.current)}`);
  const policy =
    typeof request.policy === 'string' || request.policy === undefined
      ? parseVersionPolicy(request.policy ?? 'latest')
      : request.policy;
  const all = uniqueReleases(request.releases);
  const candidates = all.filter((r) => request.includePrereleases === true || !r.prerelease);
  const latest = all.filter((r) => !r.prerelease).pop()?.version;
  const context = { current, supportedMinors: request.supportedMinors };
  const destination = candidates
    .filter((r) => compareVersions(r.version, current.version) > 0 && policyAllows(policy, r, context))
    .pop();

  const path: UpgradePath = {
    current: current.version,
    latest,
    destination: destination?.version,
    hops: [],
    updateType: 'none',
    currentIsAheadOfLatest: latest !== undefined && compareVersions(current.version, latest) > 0,
  };
  if (destination)
    walk(path, current, destination, candidates, MAX_MINORS_PER_HOP[request.strategy ?? 'in-place']);
  path.target = path.hops[0]?.to;
  path.updateType = path.hops[0]?.type ?? 'none';
  const targetVersion = candidates.find((r) => r.version === path.target);
  if (targetVersion) path.targetVersion = targetVersion;
  return path;
}

function walk(
  path: UpgradePath,
  from: IstioVersion,
  to: IstioVersion,
  candidates: IstioVersion[],
  step: number,
) {
  let at = from;
  const hop = (next: IstioVersion) => {
    path.hops.push({ from: at.version, to: next.version, type: hopType(at, next) });
    at = next;
  };
  if (sameMinor(at, to)) return hop(to);
  // Patch first: the newest patch of the running minor.
  const newestPatch = newestOfMinor(candidates, at.major, at.minor);
  if (newestPatch && compareVersions(newestPatch.version, at.version) > 0) hop(newestPatch);

  while (!sameMinor(at, to)) {
    const next = nextMinorHop(at, to, candidates, step);
    if (!next) {
      path.blockedBy =
        `no release between ${at.major}.${at.minor} and ${to.major}.${to.minor} ` +
        `within ${step} minor${step > 1 ? 's' : ''} of ${at.version}`;
      return;
    }
    hop(sameMinor(next, to) ? to : next);
  }
}

/** The newest patch of the furthest minor reachable in one hop, never past the destination's minor. */
function nextMinorHop(at: IstioVersion, to: IstioVersion, candidates: IstioVersion[], step: number) {
  const furthest = to.major === at.major ? Math.min(at.minor + step, to.minor) : at.minor + step;
  for (let minor = furthest; minor > at.minor; minor--) {
    const found = newestOfMinor(candidates, at.major, minor);
    if (found) return found;
  }
  // Across a major: only from the last minor of the old major, to the first minor of the next.
  if (to.major === at.major || candidates.some((r) => r.major === at.major && r.minor > at.minor))
    return undefined;
  const firstOfNext = candidates.filter((r) => r.major === at.major + 1).sort((a, b) => a.minor - b.minor)[0];
  return firstOfNext ? newestOfMinor(candidates, firstOfNext.major, firstOfNext.minor) : undefined;
}

function newestOfMinor(candidates: IstioVersion[], major: number, minor: number): IstioVersion | undefined {
  return candidates.filter((r) => r.major === major && r.minor === minor).pop();
}

function sameMinor(a: IstioVersion, b: IstioVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

function hopType(from: IstioVersion, to: IstioVersion): Exclude<UpdateType, 'none'> {
  if (from.major !== to.major) return 'major';
  return from.minor !== to.minor ? 'minor' : 'patch';
}

/**
 * De-duplicated and sorted oldest first; anything that is not an Istio release is dropped. Releases
 * the feed parsed are not parsed again.
 */
function uniqueReleases(releases: readonly ReleaseLike[]): IstioVersion[] {
  const byVersion = new Map<string, IstioVersion>();
  for (const release of releases) {
    const parsed = istioVersionOf(release);
    if (!parsed) continue;
    const flagged = typeof release !== 'string' && release.prerelease === true;
    byVersion.set(parsed.version, flagged && !parsed.prerelease ? { ...parsed, prerelease: true } : parsed);
  }
  return [...byVersion.values()].sort((a, b) => compareVersions(a.version, b.version));
}
