// Where Istio serves the charts and images of each version: the hosts retired from 1.31 and their successors.
import { parseIstioVersion } from '../versions/parse.js';

export interface ArtifactSourceVerdict {
  serves: boolean;
  /** Why it does not serve, or why it soon will not; absent for a source that is fine. */
  reason?: string;
  /** The same artifacts at Istio's current location, in the form the input was written in. */
  replacement?: string;
}

/** Istio 1.31 is the first release published nowhere on the old hosts. */
const FIRST_VERSION_OFF_OLD_HOSTS = '1.31.0';
/**
 * Istio removes the old hosts in December 2026 without naming the day; its last outage test starts
 * 2026-12-08 15:00 UTC, so from then on nothing on them is to be relied on, whatever the version.
 */
const OLD_HOSTS_GONE_AT = new Date('2026-12-08T15:00:00Z');
interface Move {
  /** Lowercase `host/path` prefix without a scheme, matched on a `/` boundary. */
  from: string;
  /** What replaces `from`; undefined when Istio names no successor. */
  to?: string;
  /** `https` for the bucket (which also answered plain http); `oci` for registries. */
  scheme: 'https' | 'oci';
}

// Order matters: the longest prefix of each host comes first.
const CHART_MOVES: readonly Move[] = [
  { from: 'istio-release.storage.googleapis.com', to: 'blob.istio.io/istio-release', scheme: 'https' },
  { from: 'storage.googleapis.com/istio-release', to: 'blob.istio.io/istio-release', scheme: 'https' },
  { from: 'gcr.io/istio-release/charts', to: 'ghcr.io/istio/release/charts', scheme: 'oci' },
  { from: 'registry.istio.io/release/charts', to: 'ghcr.io/istio/release/charts', scheme: 'oci' },
  { from: 'gcr.io/istio-release', scheme: 'oci' },
  { from: 'registry.istio.io', scheme: 'oci' },
];

const IMAGE_MOVES: readonly Move[] = [
  { from: 'gcr.io/istio-release', to: 'docker.io/istio', scheme: 'oci' },
  { from: 'registry.istio.io/release', to: 'docker.io/istio', scheme: 'oci' },
  // registry.istio.io/testing holds development builds: never a release, so there is no successor.
  { from: 'registry.istio.io', scheme: 'oci' },
];

/** Does this Helm chart repository URL or OCI reference serve Istio `version`? Unknown hosts (mirrors) serve. */
export function chartRepositoryServes(
  repository: string,
  version: string,
  now?: Date,
): ArtifactSourceVerdict {
  const { scheme, rest } = splitScheme(repository.trim());
  const move = findMove(CHART_MOVES, rest);
  if (!move) return { serves: true };
  const replacement = move.to === undefined ? undefined : rewritten(scheme, rest, move);
  return verdictOnOldHost(displayHost(move), version, now ?? new Date(), replacement);
}

/** Does this image (`gcr.io/istio-release/proxyv2:1.31.0`) or hub (`gcr.io/istio-release`) serve `version`? */
export function imageRegistryServes(imageOrHub: string, version: string, now?: Date): ArtifactSourceVerdict {
  const { scheme, rest } = splitScheme(imageOrHub.trim());
  const move = findMove(IMAGE_MOVES, rest);
  if (!move) return { serves: true };
  const replacement = move.to === undefined ? undefined : rewritten(scheme, rest, move);
  return verdictOnOldHost(displayHost(move), version, now ?? new Date(), replacement);
}

/** The current location for a chart repository or OCI reference on an old host; undefined for anything else. */
export function currentChartRepository(repository: string): string | undefined {
  const { scheme, rest } = splitScheme(repository.trim());
  const move = findMove(CHART_MOVES, rest);
  return move?.to === undefined ? undefined : rewritten(scheme, rest, move);
}

/** The current location for an image or hub on an old host; undefined for anything else. */
export function currentImageLocation(imageOrHub: string): string | undefined {
  const { scheme, rest } = splitScheme(imageOrHub.trim());
  const move = findMove(IMAGE_MOVES, rest);
  return move?.to === undefined ? undefined : rewritten(scheme, rest, move);
}

/** The retired host a chart repository or image reference is on (for people), or undefined. */
export function retiredHostOf(artifact: 'chart' | 'image', location: string): string | undefined {
  const move = findMove(artifact === 'chart' ? CHART_MOVES : IMAGE_MOVES, splitScheme(location.trim()).rest);
  return move ? displayHost(move) : undefined;
}

/** True when `version` is published only to the current locations. */
function publishedOnlyToCurrentHosts(version: string): boolean {
  // By minor: a 1.31 prerelease is not on the old hosts either.
  const parsed = parseIstioVersion(version);
  const first = parseIstioVersion(FIRST_VERSION_OFF_OLD_HOSTS)!;
  return (
    parsed !== undefined &&
    (parsed.major > first.major || (parsed.major === first.major && parsed.minor >= first.minor))
  );
}

function verdictOnOldHost(
  host: string,
  version: string,
  now: Date,
  replacement?: string,
): ArtifactSourceVerdict {
  const where = replacement ? ` Use ${replacement}.` : '';
  if (publishedOnlyToCurrentHosts(version)) {
    return {
      serves: false,
      reason: `Istio publishes nothing to ${host} from 1.31, so it has no ${parseIstioVersion(version)!.version}.${where}`,
      replacement,
    };
  }
  if (now.getTime() >= OLD_HOSTS_GONE_AT.getTime()) {
    return {
      serves: false,
      reason: `Istio removed ${host} in December 2026, for every version.${where}`,
      replacement,
    };
  }
  return {
    serves: true,
    reason: `${host} is removed in December 2026 (outage from ${OLD_HOSTS_GONE_AT.toISOString()}).${where}`,
    replacement,
  };
}

function splitScheme(text: string): { scheme: string; rest: string } {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  return match ? { scheme: match[0], rest: text.slice(match[0].length) } : { scheme: '', rest: text };
}

function findMove(moves: readonly Move[], rest: string): Move | undefined {
  const lower = rest.toLowerCase();
  return moves.find((move) => {
    if (!lower.startsWith(move.from)) return false;
    const next = lower.charAt(move.from.length);
    return next === '' || next === '/' || next === ':' || next === '@';
  });
}

/** Swaps the matched prefix, keeping the rest byte for byte; `http://` for the bucket becomes `https://`. */
function rewritten(scheme: string, rest: string, move: Move): string {
  const tail = rest.slice(move.from.length);
  const target = `${move.to}${tail}`;
  if (scheme === '') return target;
  if (move.scheme === 'https' && /^http:\/\//i.test(scheme)) return `https://${target}`;
  return `${scheme}${target}`;
}

function displayHost(move: Move): string {
  return move.from.startsWith('storage.googleapis.com') ? 'storage.googleapis.com/istio-release' : move.from;
}
