// Version policies: which releases a user allows as an upgrade destination (keywords or semver ranges).
import semver from 'semver';
import { parseIstioVersion, type IstioVersion } from './parse.js';
import { toSemverRange } from './range.js';

/**
 * - `latest`: any newer release;
 * - `patch`: stay on the current minor;
 * - `minor`: stay on the current major (no 1.x -> 2.x);
 * - `supported`: any release of a minor Istio still supports (needs the supported minors as data);
 * - `range`: a semver range (`1.30.x`, `>=1.29 <1.31`, `~1.30.0`, ...).
 * A keyword may be followed by a range that must hold too: `supported <1.31`.
 */
export type VersionPolicy =
  | { kind: 'latest' | 'patch' | 'minor' | 'supported'; within?: string }
  | { kind: 'range'; spec: string; range: string };

export const POLICY_KEYWORDS = ['latest', 'patch', 'minor', 'supported'] as const;

export interface PolicyContext {
  /** The version running now; `patch` and `minor` are relative to it. Parsed already, it is not parsed again. */
  current: string | IstioVersion;
  /** Minors (`1.30`) still supported; required by `supported`. */
  supportedMinors?: readonly string[];
}

/** Parses a policy; a range that is not valid throws InvalidInputError naming `input`. */
export function parseVersionPolicy(text: string, input = 'version-policy'): VersionPolicy {
  const spec = text.trim();
  if (spec === '' || spec === '*') return { kind: 'latest' };
  const [first = '', ...rest] = spec.split(/\s+/);
  const keyword = (POLICY_KEYWORDS as readonly string[]).find((k) => k === first.toLowerCase());
  if (keyword) {
    const within = rest.join(' ');
    return {
      kind: keyword as (typeof POLICY_KEYWORDS)[number],
      ...(within ? { within: toSemverRange(within, input) } : {}),
    };
  }
  return { kind: 'range', spec, range: toSemverRange(spec, input) };
}

/**
 * Whether `version` may be a destination under `policy` (prerelease filtering is the caller's). A caller
 * that holds parsed versions passes them, so a plan over every release parses none of them again.
 */
export function policyAllows(
  policy: VersionPolicy,
  version: string | IstioVersion,
  context: PolicyContext,
): boolean {
  const candidate = typeof version === 'string' ? parseIstioVersion(version) : version;
  const current = typeof context.current === 'string' ? parseIstioVersion(context.current) : context.current;
  if (!candidate || !current) return false;
  // A prerelease counts as the release it leads to: `1.31.x` admits 1.31.0-rc.0 when prereleases are wanted.
  const release = `${candidate.major}.${candidate.minor}.${candidate.patch}`;
  if (policy.kind !== 'range' && policy.within && !semver.satisfies(release, policy.within)) return false;
  switch (policy.kind) {
    case 'latest':
      return true;
    case 'patch':
      return candidate.major === current.major && candidate.minor === current.minor;
    case 'minor':
      return candidate.major === current.major;
    case 'supported': {
      if (!context.supportedMinors) throw new Error("the 'supported' policy needs supportedMinors");
      return context.supportedMinors.includes(`${candidate.major}.${candidate.minor}`);
    }
    case 'range':
      return semver.satisfies(release, policy.range);
  }
}
