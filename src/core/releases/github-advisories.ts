// GitHub's global security advisories for Istio: reviewed advisories of Go package istio.io/istio,
// every page, turned into Advisory records. Only ranges written in Istio release numbers are kept:
// the newer entries use Go pseudo-versions (0.0.0-2026…), which no release number can be compared with.
import semver from 'semver';
import { NetworkError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Advisory, Severity } from './advisories.js';
import { listPagesConditionally } from './conditional-pages.js';
import type { HttpCache } from './http-cache.js';

/** How GitHub files Istio: ecosystem `go` (GitHub's own spelling), package `istio.io/istio`. */
const ISTIO_ADVISORY_PACKAGE = { ecosystem: 'go', name: 'istio.io/istio' } as const;

/** The fields of a global advisory (GET /advisories) this module reads. */
export interface GlobalAdvisory {
  ghsa_id: string;
  cve_id: string | null;
  html_url: string;
  summary: string;
  severity: string;
  published_at: string;
  withdrawn_at: string | null;
  identifiers?: { type: string; value: string }[] | null;
  cvss?: { score: number | null } | null;
  vulnerabilities:
    | {
        package: { ecosystem: string; name: string | null } | null;
        vulnerable_version_range: string | null;
        first_patched_version: string | null;
      }[]
    | null;
}

export interface ListGitHubAdvisoriesOptions {
  logger?: Logger;
  /** Cache for conditional requests (the release feed's); without it every page is fetched in full. */
  cache?: HttpCache;
  /** Clock for the cache's revalidation period (ms since the epoch). */
  now?: () => number;
}

export async function listIstioGitHubAdvisories(
  client: GitHubClient,
  options: ListGitHubAdvisoriesOptions = {},
): Promise<Advisory[]> {
  const logger = options.logger ?? silentLogger;
  const hasToken = ((await client.auth()) as { type?: string }).type !== 'unauthenticated';
  const what = 'listing GitHub security advisories for istio.io/istio';
  const firstUrl = client.request.endpoint({
    method: 'GET',
    url: '/advisories',
    ecosystem: ISTIO_ADVISORY_PACKAGE.ecosystem,
    affects: ISTIO_ADVISORY_PACKAGE.name,
    type: 'reviewed',
    per_page: 100,
  }).url;
  // Conditional like the release feed: newest first, so a 304 on page 1 means nothing new.
  const pages = await listPagesConditionally(client, firstUrl, {
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.now ? { now: options.now } : {}),
    what,
    hasToken,
    keep: (data, url) => {
      if (!Array.isArray(data)) {
        throw new NetworkError(
          `GitHub answered ${url} with JSON that is not a list of advisories while ${what}`,
          {
            input: 'github-api-url',
            hint: 'Check that github-api-url points at the GitHub REST API (for GHES: https://<host>/api/v3).',
          },
        );
      }
      return (data as GlobalAdvisory[]).map(keptAdvisoryFields);
    },
  });
  const raw = pages.items;
  const advisories = raw.map(advisoryFromGitHub).filter((a) => a !== undefined);
  logger.debug(
    `GitHub advisories for istio.io/istio: ${raw.length} listed, ` +
      `${advisories.filter((a) => a.affected).length} with ranges in Istio release numbers ` +
      `(${pages.requests} asked, ${pages.notModified} not modified, ${pages.reused} from the cache)`,
  );
  return advisories;
}

/** The fields advisoryFromGitHub reads: what the cache keeps of each page. */
function keptAdvisoryFields(raw: GlobalAdvisory): GlobalAdvisory {
  return {
    ghsa_id: raw.ghsa_id,
    cve_id: raw.cve_id,
    html_url: raw.html_url,
    summary: raw.summary,
    severity: raw.severity,
    published_at: raw.published_at,
    withdrawn_at: raw.withdrawn_at,
    identifiers: raw.identifiers ?? null,
    cvss: raw.cvss ? { score: raw.cvss.score } : null,
    vulnerabilities: (raw.vulnerabilities ?? []).map((v) => ({
      package: v.package ? { ecosystem: v.package.ecosystem, name: v.package.name } : null,
      vulnerable_version_range: v.vulnerable_version_range,
      first_patched_version: v.first_patched_version,
    })),
  };
}

/** One GitHub advisory as an Advisory; undefined when withdrawn or not about istio.io/istio. */
function advisoryFromGitHub(raw: GlobalAdvisory): Advisory | undefined {
  if (raw.withdrawn_at) return undefined;
  const istio = (raw.vulnerabilities ?? []).filter(
    (v) =>
      v.package?.ecosystem === ISTIO_ADVISORY_PACKAGE.ecosystem &&
      v.package.name === ISTIO_ADVISORY_PACKAGE.name,
  );
  if (istio.length === 0) return undefined;
  const ranges = istio.map((v) => releaseRange(v.vulnerable_version_range)).filter((r) => r !== undefined);
  const fixed = istio
    .map((v) => v.first_patched_version?.replace(/^v/, ''))
    .filter((f): f is string => f !== undefined && semver.valid(f) !== null && !isPseudoVersion(f));
  const cves = new Set<string>(raw.cve_id ? [raw.cve_id] : []);
  for (const id of raw.identifiers ?? []) if (id.type === 'CVE') cves.add(id.value);
  return {
    id: raw.ghsa_id,
    url: raw.html_url,
    summary: raw.summary,
    published: raw.published_at.slice(0, 10),
    cves: [...cves],
    ghsa: [raw.ghsa_id],
    severity: (['critical', 'high', 'medium', 'low'].includes(raw.severity)
      ? raw.severity
      : 'unknown') as Severity,
    ...(typeof raw.cvss?.score === 'number' && raw.cvss.score > 0 ? { cvss: raw.cvss.score } : {}),
    ...(ranges.length > 0 ? { affected: ranges.join(' || ') } : {}),
    fixed,
    kind: 'vulnerability',
    sources: ['github'],
  };
}

/**
 * GitHub writes ranges as `>= 1.12.0, < 1.12.4`, `< 1.11.7` or `= 1.2.3`; node-semver wants
 * `>=1.12.0 <1.12.4`. Undefined for pseudo-version bounds and anything unreadable.
 */
export function releaseRange(text: string | null): string | undefined {
  if (!text) return undefined;
  const comparators: string[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(>=|<=|>|<|=)?\s*v?(\S+)\s*$/.exec(part);
    if (!m || isPseudoVersion(m[2]!) || semver.valid(m[2]!) === null) return undefined;
    comparators.push(`${m[1] === '=' || !m[1] ? '' : m[1]}${m[2]}`);
  }
  const range = comparators.join(' ');
  return semver.validRange(range) === null ? undefined : range;
}

function isPseudoVersion(version: string): boolean {
  return /^v?0\.0\.0-\d{14}-[0-9a-f]{12}$/.test(version);
}
