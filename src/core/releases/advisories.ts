// Istio security advisories: the shape both sources share, matching a release against them, and
// merging GitHub's advisories into the istio.io bulletins.
import semver from 'semver';
import {
  compareVersions,
  istioVersionOf,
  parseIstioVersion,
  type IstioVersion,
  type VersionInput,
} from '../versions/parse.js';
import type { MinorSupport } from './support.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';

export interface Advisory {
  /** ISTIO-SECURITY-2022-003, or a GHSA id for advisories only GitHub has. */
  id: string;
  url: string;
  summary: string;
  /** YYYY-MM-DD */
  published?: string;
  cves: string[];
  ghsa: string[];
  severity: Severity;
  cvss?: number;
  /** A node-semver range over Istio release numbers; absent when no release range is known. */
  affected?: string;
  /** The first fixed patch per minor. */
  fixed: string[];
  /** `configuration` bulletins give advice, fix no code, and never make a version vulnerable. */
  kind: 'vulnerability' | 'configuration';
  sources: ('istio.io' | 'github')[];
}

export interface AdvisoryMatch {
  advisory: Advisory;
  /**
   * The bulletin does not list this minor, but the minor was already end-of-life when it came out,
   * so it got no fix: Istio's bulletins list only supported minors.
   */
  presumed: boolean;
  /** The release to move to: the fix on this minor, else the first fix on a later minor. */
  fixedIn?: string;
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/** Whether `version` lies inside the advisory's published range. */
function affects(advisory: Advisory, version: IstioVersion): boolean {
  if (advisory.kind !== 'vulnerability' || !advisory.affected) return false;
  // A prerelease is judged as the release it leads to (1.30.0-rc.0 has 1.30.0's code and bugs).
  return semver.satisfies(`${version.major}.${version.minor}.${version.patch}`, advisory.affected);
}

/**
 * Every advisory that applies to `version`, most severe first. Support data enables presumed matches.
 * The version is parsed once here (not at all when it comes parsed), and each advisory's fixes once.
 */
export function matchAdvisories(
  version: VersionInput,
  advisories: readonly Advisory[],
  support: readonly MinorSupport[] = [],
): AdvisoryMatch[] {
  const parsed = istioVersionOf(version);
  if (!parsed) return [];
  const matches: AdvisoryMatch[] = [];
  for (const advisory of advisories) {
    const direct = affects(advisory, parsed);
    if (!direct && !presumedAffected(parsed, advisory, support)) continue;
    const fixedIn = fixedFor(parsed, advisory);
    matches.push({ advisory, presumed: !direct, ...(fixedIn ? { fixedIn } : {}) });
  }
  return matches.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.advisory.severity) - SEVERITY_ORDER.indexOf(b.advisory.severity) ||
      (b.advisory.published ?? '').localeCompare(a.advisory.published ?? ''),
  );
}

/** The fix on the version's own minor (if newer), else the oldest fix on a later minor. */
function fixedFor(version: IstioVersion, advisory: Advisory): string | undefined {
  const later = parsedFixes(advisory)
    .filter((f) => compareVersions(f.version, version.version) > 0 && !affects(advisory, f))
    .sort((a, b) => compareVersions(a.version, b.version));
  return (later.find((f) => f.minor === version.minor) ?? later[0])?.version;
}

const fixesOf = new WeakMap<Advisory, IstioVersion[]>();
/** Fixed versions by their text: bulletins share them (one patch fixes several), so each is parsed once. */
const fixTexts = new Map<string, IstioVersion | undefined>();

/** The advisory's fixed versions that are Istio versions, parsed once per text. */
function parsedFixes(advisory: Advisory): readonly IstioVersion[] {
  let fixes = fixesOf.get(advisory);
  if (!fixes) {
    fixes = advisory.fixed.map(parsedFix).filter((f) => f !== undefined);
    fixesOf.set(advisory, fixes);
  }
  return fixes;
}

function parsedFix(text: string): IstioVersion | undefined {
  if (!fixTexts.has(text)) fixTexts.set(text, parseIstioVersion(text));
  return fixTexts.get(text);
}

/**
 * A minor older than every minor the bulletin fixed, and already end-of-life on the day it was
 * published, never got the fix. Only for bulletins whose range covers whole minors (not regressions
 * in one patch, such as 1.13.6 alone).
 */
function presumedAffected(
  parsed: IstioVersion,
  advisory: Advisory,
  support: readonly MinorSupport[],
): boolean {
  if (advisory.kind !== 'vulnerability' || !advisory.affected || advisory.fixed.length === 0) return false;
  if (!advisory.published) return false;
  const fixedMinors = parsedFixes(advisory);
  if (fixedMinors.some((f) => !semver.satisfies(`${f.major}.${f.minor}.0`, advisory.affected!))) return false;
  const oldest = [...fixedMinors].sort((a, b) => compareVersions(a.version, b.version))[0];
  if (
    !oldest ||
    compareVersions(`${parsed.major}.${parsed.minor}.0`, `${oldest.major}.${oldest.minor}.0`) >= 0
  )
    return false;
  const eolDate = support.find((s) => s.minor === `${parsed.major}.${parsed.minor}`)?.eolDate;
  return eolDate !== undefined && eolDate <= advisory.published;
}

/**
 * Adds GitHub's advisories to the bulletins. A GitHub advisory naming a bulletin's CVE or GHSA id
 * enriches that bulletin (whose ranges stay authoritative); one with a usable range that no bulletin
 * covers is added on its own; one without a usable range (Go pseudo-versions) only enriches.
 */
export function mergeAdvisories(bulletins: readonly Advisory[], github: readonly Advisory[]): Advisory[] {
  const merged = bulletins.map((a) => ({
    ...a,
    cves: [...a.cves],
    ghsa: [...a.ghsa],
    sources: [...a.sources],
  }));
  for (const incoming of github) {
    const owners = merged.filter(
      (a) =>
        a.ghsa.some((id) => incoming.ghsa.includes(id)) || a.cves.some((id) => incoming.cves.includes(id)),
    );
    for (const owner of owners) {
      for (const id of incoming.ghsa) if (!owner.ghsa.includes(id)) owner.ghsa.push(id);
      if (!owner.sources.includes('github')) owner.sources.push('github');
    }
    if (owners.length === 0 && incoming.affected) merged.push(incoming);
  }
  return merged;
}
