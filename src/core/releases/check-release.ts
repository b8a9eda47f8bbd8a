// Release intelligence for one running version: what's next (by policy and Istio's upgrade rules),
// what's vulnerable, what's end-of-life. Live GitHub data when reachable, the bundled dataset when not.
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { silentLogger } from '../logger.js';
import { compareVersions, parseIstioVersion, type IstioVersion } from '../versions/parse.js';
import {
  parseVersionPolicy,
  policyAllows,
  type PolicyContext,
  type VersionPolicy,
} from '../versions/policy.js';
import { checkControlPlaneSkew, checkKubernetesSupport, type SkewCheck } from '../versions/skew.js';
import {
  planUpgradePath,
  type UpgradeHop,
  type UpgradeStrategy,
  type UpdateType,
} from '../versions/upgrade-path.js';
import { matchAdvisories, type AdvisoryMatch, type Severity } from './advisories.js';
import { loadIstioDataset } from './dataset.js';
import type { Release } from './github-releases.js';
import { nearestReleases } from './release-target.js';
import { gatherReleaseSources, type GatherOptions, type ReleaseSources } from './sources.js';
import { supportedMinors, supportStatus } from './support.js';

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
  const context = { current, supportedMinors: supported };
  requireReachablePolicy(policy, policyText, sources.releases, context, includePrereleases);

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
    path.targetVersion
      ? matchAdvisories(path.targetVersion, sources.advisories, sources.support).map((m) => m.advisory.id)
      : [],
  );
  const status = supportStatus(current, sources.support, supportOptions);

  return {
    current: current.version,
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
    advisories: matches.map(advisoryReport),
    fixedAdvisories: target
      ? matches.filter((m) => !stillAffecting.has(m.advisory.id)).map((m) => m.advisory.id)
      : [],
    eol: status.eol,
    ...(status.eolDate ? { eolDate: status.eolDate } : {}),
    eolExpected: status.eolExpected,
    ...skewChecks(request, current, sources),
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

/** The Kubernetes support and control plane / data plane skew of the running version, when asked. */
function skewChecks(
  request: CheckReleaseRequest,
  current: IstioVersion,
  sources: ReleaseSources,
): Pick<ReleaseCheck, 'kubernetesVersion' | 'kubernetesSupported' | 'kubernetesSupportedVersions' | 'skew'> {
  const dataPlane = request.dataPlaneVersion ? parseIstioVersion(request.dataPlaneVersion) : undefined;
  const kubernetes = request.kubernetesVersion
    ? checkKubernetesSupport(current, request.kubernetesVersion, sources.support)
    : undefined;
  return {
    ...(request.kubernetesVersion ? { kubernetesVersion: request.kubernetesVersion } : {}),
    ...(kubernetes?.supported !== undefined ? { kubernetesSupported: kubernetes.supported } : {}),
    kubernetesSupportedVersions: [...(kubernetes?.supportedVersions ?? [])],
    ...(dataPlane
      ? { skew: { ...checkControlPlaneSkew(current, dataPlane), dataPlane: dataPlane.version } }
      : {}),
  };
}

/** Some release (prereleases only when wanted) must satisfy the policy, or the check names the input. */
function requireReachablePolicy(
  policy: VersionPolicy,
  policyText: string,
  releases: readonly Release[],
  context: PolicyContext & { supportedMinors: readonly string[] },
  includePrereleases: boolean,
): void {
  // The feed's releases come parsed: nothing here parses a release again.
  const eligible = releases
    .filter((r) => includePrereleases || !r.prerelease)
    .sort((a, b) => compareVersions(a.version, b.version));
  if (eligible.some((r) => policyAllows(policy, r, context))) return;
  throw new NotFoundError(`no Istio release satisfies the version policy '${policyText}'`, {
    input: 'version-policy',
    hint:
      `Releases run from ${eligible[0]?.version ?? 'none'} to ${eligible[eligible.length - 1]?.version ?? 'none'}; ` +
      `supported minors: ${context.supportedMinors.join(', ') || 'none'}.`,
  });
}

function advisoryReport(m: AdvisoryMatch): AdvisoryReport {
  return {
    id: m.advisory.id,
    cves: m.advisory.cves,
    severity: m.advisory.severity,
    ...(m.advisory.cvss !== undefined ? { cvss: m.advisory.cvss } : {}),
    ...(m.fixedIn ? { 'fixed-in': m.fixedIn } : {}),
    url: m.advisory.url,
    summary: m.advisory.summary,
    presumed: m.presumed,
  };
}

/**
 * The current version, parsed: the sources' own release when they know it, else newer than all of
 * them (the feed may lag); anything else is refused.
 */
function requireIstioRelease(request: CheckReleaseRequest, releases: readonly Release[]): IstioVersion {
  const where = request.currentFrom ?? { input: 'current-version' };
  const listed = releases.find((r) => r.version === request.currentVersion);
  if (listed) return listed;
  const parsed = parseIstioVersion(request.currentVersion);
  const known = releases.map((r) => r.version).sort(compareVersions);
  if (!parsed) {
    throw new InvalidInputError(`'${request.currentVersion}' is not an Istio version`, {
      ...where,
      hint: `Istio versions look like 1.30.4 or 1.31.0-rc.0. Newest known: ${known.slice(-3).join(', ')}.`,
    });
  }
  const normalised = releases.find((r) => r.version === parsed.version);
  if (normalised) return normalised;
  const newest = known[known.length - 1];
  // Newer than everything listed: the feed may lag (or be the dataset); plan nothing rather than fail.
  if (newest && compareVersions(parsed.version, newest) > 0) return parsed;
  throw new NotFoundError(`${parsed.version} is not an Istio release`, {
    ...where,
    hint: `The nearest releases are ${nearestReleases(parsed.version, known, parsed.prerelease).join(', ')}.`,
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
