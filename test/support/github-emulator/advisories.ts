// The emulator's global security advisories (GET /advisories): GitHub's filters that matter here
// (type, ecosystem, affects, is_withdrawn) and its cursor pagination (`after` in the Link header).
import type { EmulatorRequest, GitHubEmulator } from './server.js';

export interface EmulatedAdvisoryRange {
  ecosystem: string;
  name: string;
  /** As GitHub writes it: `>= 1.12.0, < 1.12.4`. */
  range: string;
  firstPatched: string | null;
}

export interface EmulatedAdvisory {
  ghsaId: string;
  cveId: string | null;
  summary: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'unknown';
  cvss: number | null;
  type: 'reviewed' | 'unreviewed' | 'malware';
  publishedAt: string;
  withdrawnAt?: string | null;
  vulnerabilities: EmulatedAdvisoryRange[];
}

export interface AdvisoryState {
  advisories: EmulatedAdvisory[];
}

export function createAdvisoryState(advisories: EmulatedAdvisory[] = istioAdvisoryFixtures()): AdvisoryState {
  return { advisories };
}

const istio = (range: string, firstPatched: string | null): EmulatedAdvisoryRange => ({
  ecosystem: 'go',
  name: 'istio.io/istio',
  range,
  firstPatched,
});

/**
 * What GitHub holds for Istio, in its own forms: release-number ranges (2021–2022 entries),
 * pseudo-version ranges (2026 entries), an advisory for another Go module, a withdrawn one, and one
 * newer than the project's dataset (so a merge has something to add).
 */
export function istioAdvisoryFixtures(): EmulatedAdvisory[] {
  return [
    {
      ghsaId: 'GHSA-856q-xv3c-7f2f',
      cveId: 'CVE-2022-23635',
      summary: 'Unauthenticated control plane denial of service attack in Istio',
      severity: 'high',
      cvss: 7.5,
      type: 'reviewed',
      publishedAt: '2022-02-22T21:38:37Z',
      vulnerabilities: [
        istio('>= 1.13.0, < 1.13.1', '1.13.1'),
        istio('>= 1.12.0, < 1.12.4', '1.12.4'),
        istio('< 1.11.7', '1.11.7'),
      ],
    },
    {
      ghsaId: 'GHSA-hqxw-mm44-gc4r',
      cveId: 'CVE-2021-39156',
      summary: 'Istio Fragments in Path May Lead to Authorization Policy Bypass',
      severity: 'high',
      cvss: 8.1,
      type: 'reviewed',
      publishedAt: '2021-08-24T17:57:13Z',
      vulnerabilities: [
        istio('< 1.9.8', '1.9.8'),
        istio('>= 1.10.0, < 1.10.4', '1.10.4'),
        istio('>= 1.11.0, < 1.11.1', '1.11.1'),
      ],
    },
    {
      ghsaId: 'GHSA-fgw5-hp8f-xfhc',
      cveId: 'CVE-2026-41413',
      summary: 'Istio SSRF via WasmPlugin image fetching',
      severity: 'medium',
      cvss: 5.4,
      type: 'reviewed',
      publishedAt: '2026-04-20T16:00:00Z',
      vulnerabilities: [istio('< 0.0.0-20260410004459-189832a289c1', '0.0.0-20260410004459-189832a289c1')],
    },
    {
      ghsaId: 'GHSA-7q2w-9mpf-3c4h',
      cveId: 'CVE-2026-80001',
      summary: 'Istio ztunnel accepts expired workload certificates',
      severity: 'critical',
      cvss: 9.1,
      type: 'reviewed',
      publishedAt: '2026-10-20T15:00:00Z',
      vulnerabilities: [istio('>= 1.30.0, < 1.30.7', '1.30.7'), istio('>= 1.31.0, < 1.31.3', '1.31.3')],
    },
    {
      ghsaId: 'GHSA-3x4r-5m6p-7q8v',
      cveId: 'CVE-2026-80002',
      summary: 'Withdrawn: duplicate of CVE-2026-80001',
      severity: 'high',
      cvss: 7.0,
      type: 'reviewed',
      publishedAt: '2026-10-21T15:00:00Z',
      withdrawnAt: '2026-10-22T09:00:00Z',
      vulnerabilities: [istio('>= 1.31.0, < 1.31.3', '1.31.3')],
    },
    {
      ghsaId: 'GHSA-9f8e-7d6c-5b4a',
      cveId: 'CVE-2025-90001',
      summary: 'Envoy Gateway leaks secrets in logs',
      severity: 'medium',
      cvss: 6.0,
      type: 'reviewed',
      publishedAt: '2025-05-01T12:00:00Z',
      vulnerabilities: [
        { ecosystem: 'go', name: 'github.com/envoyproxy/gateway', range: '< 1.3.3', firstPatched: '1.3.3' },
      ],
    },
  ];
}

/** The advisory as GET /advisories returns it (validated against GitHub's OpenAPI by the server). */
export function globalAdvisoryJson(advisory: EmulatedAdvisory, host: string) {
  const identifiers = [
    { type: 'GHSA' as const, value: advisory.ghsaId },
    ...(advisory.cveId ? [{ type: 'CVE' as const, value: advisory.cveId }] : []),
  ];
  return {
    ghsa_id: advisory.ghsaId,
    cve_id: advisory.cveId,
    url: `${host}/advisories/${advisory.ghsaId}`,
    html_url: `https://github.com/advisories/${advisory.ghsaId}`,
    repository_advisory_url: null,
    summary: advisory.summary,
    description: `${advisory.summary}.`,
    type: advisory.type,
    severity: advisory.severity,
    source_code_location: 'https://github.com/istio/istio',
    identifiers,
    references: advisory.cveId ? [`https://nvd.nist.gov/vuln/detail/${advisory.cveId}`] : [],
    published_at: advisory.publishedAt,
    updated_at: advisory.publishedAt,
    github_reviewed_at: advisory.type === 'reviewed' ? advisory.publishedAt : null,
    nvd_published_at: null,
    withdrawn_at: advisory.withdrawnAt ?? null,
    vulnerabilities: advisory.vulnerabilities.map((v) => ({
      package: { ecosystem: v.ecosystem, name: v.name },
      vulnerable_version_range: v.range,
      first_patched_version: v.firstPatched,
      vulnerable_functions: [],
    })),
    cvss: advisory.cvss === null ? null : { vector_string: null, score: advisory.cvss },
    cwes: [],
    credits: [],
  };
}

function matchesQuery(advisory: EmulatedAdvisory, query: URLSearchParams): boolean {
  if (advisory.type !== (query.get('type') ?? 'reviewed')) return false;
  const withdrawn = query.get('is_withdrawn');
  if (withdrawn !== null && (withdrawn === 'true') !== Boolean(advisory.withdrawnAt)) return false;
  const ecosystem = query.get('ecosystem');
  if (ecosystem && !advisory.vulnerabilities.some((v) => v.ecosystem === ecosystem)) return false;
  const affects = query.get('affects');
  // `affects` takes `name` or `name@version`; the emulator matches on the name.
  if (affects && !advisory.vulnerabilities.some((v) => v.name === affects.replace(/@[^@/]*$/, '')))
    return false;
  return true;
}

/** GitHub's opaque cursors; here base64 of the index where the next page starts. */
const cursorOf = (index: number) => Buffer.from(`cursor:${index}`).toString('base64url');
const indexOf = (cursor: string) =>
  Number(/^cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1]);

export function registerAdvisoryRoutes(emulator: GitHubEmulator, state: AdvisoryState): void {
  emulator.route({
    method: 'GET',
    template: '/advisories',
    operation: { path: '/advisories', method: 'GET' },
    handler: (req: EmulatorRequest) => {
      const host = `http://${req.headers.host ?? '127.0.0.1'}`;
      const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
      const after = req.query.get('after');
      const start = after ? indexOf(after) : 0;
      if (!Number.isInteger(start)) return { status: 422, body: { message: 'Invalid cursor' } };
      const listed = state.advisories
        .filter((a) => matchesQuery(a, req.query))
        .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
      const page = listed.slice(start, start + perPage);
      const headers: Record<string, string> = {};
      if (start + perPage < listed.length) {
        const next = new URLSearchParams(req.query);
        next.delete('page');
        next.set('after', cursorOf(start + perPage));
        headers['link'] = `<${host}/advisories?${next.toString()}>; rel="next"`;
      }
      return { status: 200, headers, body: page.map((a) => globalAdvisoryJson(a, host)) };
    },
  });
}
