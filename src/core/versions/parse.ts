// Istio version strings: release tags have no `v` (1.28.0); Sail and Go tags do (v1.28.0).
import semver from 'semver';

export interface IstioVersion {
  /** Normalised semver without a `v`, e.g. 1.31.0-rc.0. */
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: boolean;
}

const RELEASE_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)(?:-((?:alpha|beta|rc)\.\d+))?$/;

/** Parses an Istio release version; returns undefined for anything that is not one. */
export function parseIstioVersion(text: string): IstioVersion | undefined {
  const match = RELEASE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, major, minor, patch, pre] = match;
  return {
    version: `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}`,
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: pre !== undefined,
  };
}

/** What a version may arrive as: text, or already parsed where it entered (a feed's `Release`). */
export type VersionInput = string | IstioVersion | { version: string };

/** A version parsed where it entered is used as it is; only text (or an unparsed record) is parsed. */
export function istioVersionOf(value: VersionInput): IstioVersion | undefined {
  if (typeof value === 'string') return parseIstioVersion(value);
  return isParsed(value) ? value : parseIstioVersion(value.version);
}

function isParsed(value: IstioVersion | { version: string }): value is IstioVersion {
  return typeof (value as Partial<IstioVersion>).major === 'number';
}

export function isIstioVersion(text: string): boolean {
  return parseIstioVersion(text) !== undefined;
}

/** `1.28` for 1.28.3: the unit of Istio's support and upgrade rules. */
export function minorOf(version: string): string {
  const parsed = parseIstioVersion(version);
  if (!parsed) throw new Error(`not an Istio version: ${version}`);
  return `${parsed.major}.${parsed.minor}`;
}

/** Minors between two versions (1.28.x -> 1.30.y is 2); negative when `to` is older. */
export function minorDistance(from: string, to: string): number {
  const a = parseIstioVersion(from);
  const b = parseIstioVersion(to);
  if (!a || !b) throw new Error(`not Istio versions: ${from}, ${to}`);
  if (a.major !== b.major) return (b.major - a.major) * 1000 + (b.minor - a.minor);
  return b.minor - a.minor;
}

export function compareVersions(a: string, b: string): number {
  return semver.compare(a, b);
}

export function sortVersions(versions: Iterable<string>): string[] {
  return [...versions].sort(compareVersions);
}
