// Support windows per Istio minor: release and end-of-life dates (announced, expected, or derived from
// the release feed by Istio's rule) and the Kubernetes versions each minor supports.
import { compareVersions, istioVersionOf, type IstioVersion, type VersionInput } from '../versions/parse.js';

/** One minor's support record, as the dataset keeps it. */
export interface MinorSupport {
  /** `1.30` */
  minor: string;
  releaseDate?: string;
  /** YYYY-MM-DD; absent while unannounced. */
  eolDate?: string;
  /** The EOL date is announced as expected, not final. */
  eolExpected?: boolean;
  /** Kubernetes minors (`1.33`) the Istio minor supports; empty when unknown. */
  kubernetes: string[];
}

/** A release with the date it was published, from the feed or the dataset (parsed there, or not). */
export type DatedRelease = (IstioVersion | { version: string; prerelease?: boolean }) & {
  /** ISO date or date-time. */
  publishedAt?: string;
};

export interface SupportStatus {
  minor: string;
  eol: boolean;
  eolDate?: string;
  /** The date is an expectation (announced as expected, or derived from the N+2 rule). */
  eolExpected: boolean;
  /** Where the date came from. */
  basis: 'announced' | 'expected' | 'n+2 rule' | 'unknown';
}

/** Istio supports a minor until six weeks after minor N+2 is released. */
const SUPPORT_AFTER_N_PLUS_2_DAYS = 42;

export interface SupportOptions {
  /** Today, for deciding whether a date has passed. */
  now: Date;
  /** The release feed: its N+2 GA release dates refine dates the dataset only expects. */
  releases?: readonly DatedRelease[];
}

/** `version` may come parsed (the running version, checked already): it is then not parsed again. */
export function supportStatus(
  version: VersionInput,
  support: readonly MinorSupport[],
  options: SupportOptions,
): SupportStatus {
  const parsed = istioVersionOf(version);
  const minor = parsed
    ? `${parsed.major}.${parsed.minor}`
    : typeof version === 'string'
      ? version
      : version.version;
  const today = isoDate(options.now);
  const record = support.find((s) => s.minor === minor);
  const status = (eolDate: string | undefined, basis: SupportStatus['basis']): SupportStatus => ({
    minor,
    eol: eolDate !== undefined && eolDate <= today,
    ...(eolDate ? { eolDate } : {}),
    eolExpected: basis !== 'announced' && eolDate !== undefined && eolDate > today,
    basis,
  });
  if (record?.eolDate && !record.eolExpected) return status(record.eolDate, 'announced');
  const derived = parsed ? eolByRule(parsed, options.releases ?? []) : undefined;
  if (derived) return status(derived, 'n+2 rule');
  if (record?.eolDate) return status(record.eolDate, 'expected');
  return status(undefined, 'unknown');
}

/** Minors still supported today: every known minor (dataset or feed) whose EOL has not passed. */
export function supportedMinors(support: readonly MinorSupport[], options: SupportOptions): string[] {
  const minors = new Set(support.map((s) => s.minor));
  for (const release of options.releases ?? []) {
    const parsed = istioVersionOf(release);
    // A minor exists once it has a GA release; its alphas are not supported releases.
    if (parsed && !parsed.prerelease && !release.prerelease) minors.add(`${parsed.major}.${parsed.minor}`);
  }
  const today = isoDate(options.now);
  // A minor announced with a future release date is not supported yet.
  const unreleased = new Set(
    support.filter((s) => s.releaseDate && s.releaseDate > today).map((s) => s.minor),
  );
  return [...minors]
    .filter((minor) => !unreleased.has(minor) && !supportStatus(firstOf(minor), support, options).eol)
    .sort((a, b) => compareVersions(`${a}.0`, `${b}.0`));
}

/** `1.30` → 1.30.0, parsed without text (the minors come from records and parsed releases). */
function firstOf(minor: string): IstioVersion | string {
  const [major, minorNumber] = minor.split('.').map(Number);
  if (!Number.isInteger(major) || !Number.isInteger(minorNumber)) return `${minor}.0`;
  return {
    version: `${major}.${minorNumber}.0`,
    major: major!,
    minor: minorNumber!,
    patch: 0,
    prerelease: false,
  };
}

/** Six weeks after the first GA of minor N+2, when the feed has it with a date. */
function eolByRule(parsed: IstioVersion, releases: readonly DatedRelease[]): string | undefined {
  const successor = gaReleases(releases).get(`${parsed.major}.${parsed.minor + 2}.0`);
  if (!successor?.publishedAt) return undefined;
  const released = Date.parse(successor.publishedAt);
  if (Number.isNaN(released)) return undefined;
  return isoDate(new Date(released + SUPPORT_AFTER_N_PLUS_2_DAYS * 86_400_000));
}

const gaIndex = new WeakMap<readonly DatedRelease[], Map<string, DatedRelease>>();

/** The feed's GA releases by normalised version, parsed once per feed (every minor's rule asks it). */
function gaReleases(releases: readonly DatedRelease[]): Map<string, DatedRelease> {
  let index = gaIndex.get(releases);
  if (!index) {
    index = new Map();
    for (const release of releases) {
      const version = release.prerelease ? undefined : istioVersionOf(release)?.version;
      if (version && !index.has(version)) index.set(version, release);
    }
    gaIndex.set(releases, index);
  }
  return index;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
