// Version specs users write: latest, exact, 1.24, 1.24.x, ~, ^, comparator sets and `||`.
import semver from 'semver';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { compareVersions, parseIstioVersion } from './parse.js';

export interface ResolveOptions {
  includePrereleases?: boolean;
  /** Which input the spec came from, for error messages. */
  input?: string;
}

/** A spec that names exactly one version needs no release listing. */
export function exactVersionOf(spec: string): string | undefined {
  return parseIstioVersion(spec)?.version;
}

/** Turns a user spec into a node-semver range, or throws naming the input. */
export function toSemverRange(spec: string, input = 'version'): string {
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'latest' || trimmed === '*') return '*';
  // `1.24` means the 1.24 line, not 1.24.0.
  const normalised = trimmed
    .split('||')
    .map((part) =>
      part
        .trim()
        .replace(/^v(?=\d)/, '')
        .replace(/(^|\s)v(\d)/g, '$1$2'),
    )
    .map((part) => (/^\d+\.\d+$/.test(part) ? `${part}.x` : part))
    .join(' || ');
  const range = semver.validRange(normalised);
  if (range === null) {
    throw new InvalidInputError(`'${spec}' is not a valid version or range`, {
      input,
      hint: "Use 'latest', an exact version (1.24.2), a minor (1.24 or 1.24.x), ~1.24.0, ^1.24.0, '>=1.23 <1.25' or ranges joined with '||'.",
    });
  }
  return range;
}

/** The newest version in `available` that satisfies `spec`. */
export function resolveVersion(
  spec: string,
  available: readonly string[],
  options: ResolveOptions = {},
): string {
  const input = options.input ?? 'version';
  const range = toSemverRange(spec, input);
  const exact = exactVersionOf(spec);
  const includePre = options.includePrereleases === true || (exact !== undefined && exact.includes('-'));
  const candidates = available.filter(
    (v) =>
      (includePre || !semver.prerelease(v)) && semver.satisfies(v, range, { includePrerelease: includePre }),
  );
  if (candidates.length === 0) throw noMatch(spec, range, available, input, includePre);
  return candidates.sort(compareVersions)[candidates.length - 1]!;
}

function noMatch(spec: string, range: string, available: readonly string[], input: string, pre: boolean) {
  const sorted = [...available].filter((v) => pre || !semver.prerelease(v)).sort(compareVersions);
  const nearest = nearestVersions(range, sorted);
  return new NotFoundError(`no Istio release matches '${spec}'`, {
    input,
    hint:
      sorted.length === 0
        ? 'No releases were listed at all.'
        : `Nearest releases: ${nearest.join(', ')}. Newest: ${sorted[sorted.length - 1]}.` +
          (pre ? '' : ' Prereleases are excluded; set include-prereleases to consider them.'),
  });
}

/** The releases on either side of where the range would sit. */
function nearestVersions(range: string, sorted: string[]): string[] {
  const floor = semver.minVersion(range)?.version;
  if (!floor) return sorted.slice(-3);
  const index = sorted.findIndex((v) => compareVersions(v, floor) >= 0);
  const at = index === -1 ? sorted.length : index;
  return sorted.slice(Math.max(0, at - 2), at + 2);
}
