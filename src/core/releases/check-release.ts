// Release intelligence for one running version: what's next (by policy and Istio's upgrade rules),
// what's vulnerable, what's end-of-life. Live GitHub data when reachable, the bundled dataset when not.
import { AutopilotError, InvalidInputError, NotFoundError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { silentLogger, type Logger } from '../logger.js';
import { compareVersions, parseIstioVersion } from '../versions/parse.js';
import { parseVersionPolicy, policyAllows } from '../versions/policy.js';
import { checkControlPlaneSkew, checkKubernetesSupport, type SkewCheck } from '../versions/skew.js';
import {
  planUpgradePath,
  type UpgradeHop,
  type UpgradeStrategy,
  type UpdateType,
} from '../versions/upgrade-path.js';
import { matchAdvisories, mergeAdvisories, type Advisory, type Severity } from './advisories.js';
import { describeDatasetAge, loadIstioDataset, type IstioDataset } from './dataset.js';
import { listIstioGitHubAdvisories } from './github-advisories.js';
import { listIstioReleases, type Release } from './github-releases.js';
import { HttpCache } from './http-cache.js';
import { supportedMinors, supportStatus, type MinorSupport } from './support.js';

export const FAIL_ON_CONDITIONS = ['outdated', 'vulnerable', 'eol', 'unsupported-kubernetes'] as const;
export type FailOnCondition = (typeof FAIL_ON_CONDITIONS)[number];

export interface ReleaseSources {
  releases: Release[];
  advisories: Advisory[];
  support: MinorSupport[];
  /** Where releases and advisories came from; `dataset` means GitHub could not be reached. */
  releasesFrom: 'github' | 'dataset';
  advisoriesFrom: 'github+dataset' | 'dataset';
  datasetAsOf: string;
  /** Warnings already logged (fallbacks), repeated in the summary. */
  warnings: string[];
}

export interface GatherOptions {
  /** Directory for the release feed's ETag cache (conditional requests, 304s on later runs). */
  cacheDir?: string;
  logger?: Logger;
  now?: Date;
  dataset?: IstioDataset;
  /** Ask GitHub nothing: answer from the dataset, saying how old it is (the CLI's --offline). */
  offline?: boolean;
}

/** Fetches releases and advisories from GitHub, falling back to the dataset with a warning each. */
export async function gatherReleaseSources(
  client: GitHubClient,
  options: GatherOptions = {},
): Promise<ReleaseSources> {
  const logger = options.logger ?? silentLogger;
  const dataset = options.dataset ?? loadIstioDataset();
  const age = describeDatasetAge(dataset, options.now ?? new Date());
  const warnings: string[] = [];
  const fallback = (what: string, error: unknown) => {
    const reason = error instanceof AutopilotError ? error.message : String(error);
    const message = `Could not fetch ${what} from GitHub (${reason}); using ${age}. Newer releases or advisories may exist.`;
    logger.warning(message);
    warnings.push(message);
  };

  if (options.offline) {
    const message = `Offline: releases and advisories come from ${age}. Newer releases or advisories may exist.`;
    logger.notice(message);
    return {
      releases: dataset.releases,
      advisories: dataset.advisories,
      support: dataset.support,
      releasesFrom: 'dataset',
      advisoriesFrom: 'dataset',
      datasetAsOf: dataset.asOf,
      warnings: [message],
    };
  }

  // Both at once: when GitHub is down, the retries of each overlap instead of adding up.
  const cache = options.cacheDir ? new HttpCache(options.cacheDir) : undefined;
  const [feed, github] = await Promise.allSettled([
    listIstioReleases(client, { ...(cache ? { cache } : {}), logger }),
    listIstioGitHubAdvisories(client, { logger }),
  ]);
  if (feed.status === 'rejected') fallback('the Istio release feed', feed.reason);
  if (github.status === 'rejected') fallback('security advisories', github.reason);
  const releases = feed.status === 'fulfilled' ? feed.value : dataset.releases;
  const releasesFrom: ReleaseSources['releasesFrom'] = feed.status === 'fulfilled' ? 'github' : 'dataset';
  const advisories =
    github.status === 'fulfilled' ? mergeAdvisories(dataset.advisories, github.value) : dataset.advisories;
  const advisoriesFrom: ReleaseSources['advisoriesFrom'] =
    github.status === 'fulfilled' ? 'github+dataset' : 'dataset';
  if (releasesFrom === 'github' && advisoriesFrom === 'github+dataset') {
    logger.info(`Security bulletins from ${age}, merged with GitHub's advisories.`);
  }
  return {
    releases,
    advisories,
    support: dataset.support,
    releasesFrom,
    advisoriesFrom,
    datasetAsOf: dataset.asOf,
    warnings,
  };
}

export interface CheckReleaseRequest {
  currentVersion: string;
  /** Where the current version was read (for errors): an input name or file. */
  currentFrom?: { input?: string; file?: string; line?: number };
  policy?: string;
  strategy?: UpgradeStrategy;
  includePrereleases?: boolean;
  kubernetesVersion?: string;
  /** The data plane (proxies) version, when known, for the skew check. */
  dataPlaneVersion?: string;
  now?: Date;
}

export interface AdvisoryReport {
  id: string;
  cves: string[];
  severity: Severity;
  cvss?: number;
  'fixed-in'?: string;
  url: string;
  summary: string;
  /** True when the bulletin does not list this (end-of-life) minor but it got no fix. */
  presumed: boolean;
}

export interface ReleaseCheck {
  current: string;
  latest?: string;
  target?: string;
  destination?: string;
  updateAvailable: boolean;
  updateType: UpdateType;
  hops: UpgradeHop[];
  upgradePath: string[];
  blockedBy?: string;
  currentIsAheadOfLatest: boolean;
  vulnerable: boolean;
  advisories: AdvisoryReport[];
  /** Ids of the current version's advisories the target is not affected by. */
  fixedAdvisories: string[];
  eol: boolean;
  eolDate?: string;
  eolExpected: boolean;
  kubernetesVersion?: string;
  /** undefined when not asked, or nothing is known. */
  kubernetesSupported?: boolean;
  kubernetesSupportedVersions: string[];
  /** Control plane (current) against the data plane, when the data plane version is known. */
  skew?: SkewCheck & { dataPlane: string };
  policy: string;
  strategy: UpgradeStrategy;
  sources: Pick<ReleaseSources, 'releasesFrom' | 'advisoriesFrom' | 'datasetAsOf' | 'warnings'>;
}

/** The answer for one running version, from already gathered sources (pure apart from `now`). */
export function checkRelease(request: CheckReleaseRequest, sources: ReleaseSources): ReleaseCheck {
  const now = request.now ?? new Date();
  const current = requireIstioRelease(request, sources.releases);
  const policyText = request.policy ?? 'latest';
  const policy = parseVersionPolicy(policyText);
  const strategy = request.strategy ?? 'in-place';
  const supportOptions = { now, releases: sources.releases };
  const supported = supportedMinors(sources.support, supportOptions);
  const includePrereleases = request.includePrereleases === true;

  const eligible = sources.releases
    .filter((r) => includePrereleases || !r.prerelease)
    .map((r) => r.version)
    .sort(compareVersions);
  const context = { current, supportedMinors: supported };
  if (!eligible.some((v) => policyAllows(policy, v, context))) {
    throw new NotFoundError(`no Istio release satisfies the version policy '${policyText}'`, {
      input: 'version-policy',
      hint:
        `Releases run from ${eligible[0] ?? 'none'} to ${eligible[eligible.length - 1] ?? 'none'}; ` +
        `supported minors: ${supported.join(', ') || 'none'}.`,
    });
  }

  const path = planUpgradePath({
    current,
    releases: sources.releases,
    policy,
    strategy,
    includePrereleases,
    supportedMinors: supported,
  });
  const matches = matchAdvisories(current, sources.advisories, sources.support);
  const target = path.target;
  // Presumed matches count too: a target on an end-of-life minor does not fix what it never got.
  const stillAffecting = new Set(
    target ? matchAdvisories(target, sources.advisories, sources.support).map((m) => m.advisory.id) : [],
  );
  const status = supportStatus(current, sources.support, supportOptions);
  const dataPlane = request.dataPlaneVersion
    ? parseIstioVersion(request.dataPlaneVersion)?.version
    : undefined;
  const kubernetes = request.kubernetesVersion
    ? checkKubernetesSupport(current, request.kubernetesVersion, sources.support)
    : undefined;

  return {
    current,
    latest: path.latest,
    target,
    destination: path.destination,
    updateAvailable: target !== undefined,
    updateType: path.updateType,
    hops: path.hops,
    upgradePath: path.hops.map((h) => h.to),
    ...(path.blockedBy ? { blockedBy: path.blockedBy } : {}),
    currentIsAheadOfLatest: path.currentIsAheadOfLatest,
    vulnerable: matches.length > 0,
    advisories: matches.map((m) => ({
      id: m.advisory.id,
      cves: m.advisory.cves,
      severity: m.advisory.severity,
      ...(m.advisory.cvss !== undefined ? { cvss: m.advisory.cvss } : {}),
      ...(m.fixedIn ? { 'fixed-in': m.fixedIn } : {}),
      url: m.advisory.url,
      summary: m.advisory.summary,
      presumed: m.presumed,
    })),
    fixedAdvisories: target
      ? matches.filter((m) => !stillAffecting.has(m.advisory.id)).map((m) => m.advisory.id)
      : [],
    eol: status.eol,
    ...(status.eolDate ? { eolDate: status.eolDate } : {}),
    eolExpected: status.eolExpected,
    ...(request.kubernetesVersion ? { kubernetesVersion: request.kubernetesVersion } : {}),
    ...(kubernetes?.supported !== undefined ? { kubernetesSupported: kubernetes.supported } : {}),
    kubernetesSupportedVersions: [...(kubernetes?.supportedVersions ?? [])],
    ...(dataPlane ? { skew: { ...checkControlPlaneSkew(current, dataPlane), dataPlane } } : {}),
    policy: policyText,
    strategy,
    sources: {
      releasesFrom: sources.releasesFrom,
      advisoriesFrom: sources.advisoriesFrom,
      datasetAsOf: sources.datasetAsOf,
      warnings: sources.warnings,
    },
  };
}

/** The current version, normalised; it must be a release the sources know, or newer than all of them. */
function requireIstioRelease(request: CheckReleaseRequest, releases: readonly Release[]): string {
  const where = request.currentFrom ?? { input: 'current-version' };
  const parsed = parseIstioVersion(request.currentVersion);
  const known = releases.map((r) => r.version).sort(compareVersions);
  if (!parsed) {
    throw new InvalidInputError(`'${request.currentVersion}' is not an Istio version`, {
      ...where,
      hint: `Istio versions look like 1.30.4 or 1.31.0-rc.0. Newest known: ${known.slice(-3).join(', ')}.`,
    });
  }
  if (known.includes(parsed.version)) return parsed.version;
  const newest = known[known.length - 1];
  // Newer than everything listed: the feed may lag (or be the dataset); plan nothing rather than fail.
  if (newest && compareVersions(parsed.version, newest) > 0) return parsed.version;
  // Suggest GA releases for a GA version; prereleases only when a prerelease was asked about.
  const nearby = known.filter((v) => parsed.prerelease || !parseIstioVersion(v)?.prerelease);
  const below = nearby.filter((v) => compareVersions(v, parsed.version) < 0).slice(-2);
  const above = nearby.filter((v) => compareVersions(v, parsed.version) > 0).slice(0, 2);
  throw new NotFoundError(`${parsed.version} is not an Istio release`, {
    ...where,
    hint: `The nearest releases are ${[...below, ...above].join(', ')}.`,
  });
}

/** The action's outputs, as the strings a runner stores (JSON for lists). */
export function releaseCheckOutputs(check: ReleaseCheck): Record<string, string> {
  return {
    'current-version': check.current,
    'latest-version': check.latest ?? '',
    'target-version': check.target ?? '',
    'update-available': String(check.updateAvailable),
    'update-type': check.updateType,
    'upgrade-path': JSON.stringify(check.upgradePath),
    vulnerable: String(check.vulnerable),
    advisories: JSON.stringify(
      check.advisories.map((a) => ({
        id: a.id,
        cves: a.cves,
        severity: a.severity,
        'fixed-in': a['fixed-in'] ?? null,
        url: a.url,
      })),
    ),
    'fixed-advisories': JSON.stringify(check.fixedAdvisories),
    eol: String(check.eol),
    'eol-date': check.eolDate ?? '',
    'kubernetes-supported': check.kubernetesVersion ? String(check.kubernetesSupported ?? 'unknown') : '',
  };
}

/** Reads a `fail-on` list, rejecting unknown conditions before any request is made. */
export function parseFailOn(values: readonly string[]): FailOnCondition[] {
  for (const value of values) {
    if (!(FAIL_ON_CONDITIONS as readonly string[]).includes(value)) {
      throw new InvalidInputError(`'${value}' is not a fail-on condition`, {
        input: 'fail-on',
        hint: `Use a comma list of ${FAIL_ON_CONDITIONS.join(', ')}.`,
      });
    }
  }
  return values as FailOnCondition[];
}

/** The `fail-on` conditions the check meets, each with a reason; empty means pass. */
export function failOnReasons(check: ReleaseCheck, conditions: readonly FailOnCondition[]): string[] {
  const reasons: string[] = [];
  const on = (c: FailOnCondition) => conditions.includes(c);
  if (on('outdated') && check.updateAvailable)
    reasons.push(`Istio ${check.current} is outdated: ${check.target} is next (${check.updateType})`);
  if (on('vulnerable') && check.vulnerable)
    reasons.push(`Istio ${check.current} is affected by ${check.advisories.map((a) => a.id).join(', ')}`);
  if (on('eol') && check.eol) reasons.push(`Istio ${check.current} is end-of-life since ${check.eolDate}`);
  if (on('unsupported-kubernetes') && check.kubernetesSupported === false)
    reasons.push(
      `Istio ${check.current} does not support Kubernetes ${check.kubernetesVersion} ` +
        `(supported: ${check.kubernetesSupportedVersions.join(', ')})`,
    );
  return reasons;
}

export interface CheckIstioReleaseOptions extends CheckReleaseRequest, GatherOptions {}

/** The action's one core call: gather sources (with fallback), then check. */
export async function checkIstioRelease(
  client: GitHubClient,
  options: CheckIstioReleaseOptions,
): Promise<ReleaseCheck> {
  // Malformed inputs fail before any request is made.
  const dataset = options.dataset ?? loadIstioDataset();
  if (!parseIstioVersion(options.currentVersion)) requireIstioRelease(options, dataset.releases);
  parseVersionPolicy(options.policy ?? 'latest');
  const sources = await gatherReleaseSources(client, options);
  const check = checkRelease(options, sources);
  if (sources.releasesFrom === 'dataset' && !check.updateAvailable) {
    const message =
      `No newer release than ${check.current} is in the dataset as of ${sources.datasetAsOf}, but the live ` +
      'release feed could not be checked: this does not confirm that it is up to date.';
    (options.logger ?? silentLogger).warning(message);
    check.sources.warnings = [...check.sources.warnings, message];
  }
  return check;
}
