// The project's own Istio dataset (data/*.json, bundled at build time): the offline truth for releases,
// support windows and security bulletins, and how old it is.
import advisoriesFile from '../../../data/istio-advisories.json' with { type: 'json' };
import releasesFile from '../../../data/istio-releases.json' with { type: 'json' };
import supportFile from '../../../data/istio-support.json' with { type: 'json' };
import type { Advisory, Severity } from './advisories.js';
import { releaseOf, type Release } from './github-releases.js';
import type { MinorSupport } from './support.js';

export interface IstioDataset {
  /** The day the facts were gathered (YYYY-MM-DD). */
  asOf: string;
  releases: Release[];
  support: MinorSupport[];
  advisories: Advisory[];
}

interface DatasetAdvisory {
  id: string;
  published: string;
  summary: string;
  url: string;
  cves: string[];
  ghsa: string[];
  severity: string;
  cvss?: number;
  affected: string | null;
  fixed: string[];
  kind?: string;
}

let loaded: IstioDataset | undefined;

export function loadIstioDataset(): IstioDataset {
  loaded ??= {
    asOf: [releasesFile.asOf, supportFile.asOf, advisoriesFile.asOf].sort()[0]!,
    // Parsed here, once per process: every check after this reads the parsed versions.
    releases: releasesFile.releases.flatMap((r) => {
      const release = releaseOf(r.version, {
        prerelease: (r as { prerelease?: boolean }).prerelease === true,
        publishedAt: r.date,
        url: `https://github.com/istio/istio/releases/tag/${r.version}`,
      });
      return release ? [release] : [];
    }),
    support: supportFile.minors.map((m) => ({
      minor: m.minor,
      ...(m.releaseDate ? { releaseDate: m.releaseDate } : {}),
      ...(m.eolDate ? { eolDate: m.eolDate } : {}),
      ...((m as { eolExpected?: boolean }).eolExpected ? { eolExpected: true } : {}),
      kubernetes: m.kubernetes,
    })),
    advisories: (advisoriesFile.advisories as DatasetAdvisory[]).map(fromDataset),
  };
  return loaded;
}

function fromDataset(a: DatasetAdvisory): Advisory {
  return {
    id: a.id,
    url: a.url,
    summary: a.summary,
    published: a.published,
    cves: a.cves,
    ghsa: a.ghsa,
    severity: a.severity as Severity,
    ...(a.cvss !== undefined ? { cvss: a.cvss } : {}),
    ...(a.affected ? { affected: a.affected } : {}),
    fixed: a.fixed,
    kind: a.kind === 'configuration' ? 'configuration' : 'vulnerability',
    sources: ['istio.io'],
  };
}

/** Whole days between the dataset's `asOf` and `now`. */
export function datasetAgeDays(dataset: Pick<IstioDataset, 'asOf'>, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(`${dataset.asOf}T00:00:00Z`)) / 86_400_000));
}

/** "the bundled dataset as of 2026-09-21 (66 days old)" */
export function describeDatasetAge(dataset: Pick<IstioDataset, 'asOf'>, now: Date): string {
  const days = datasetAgeDays(dataset, now);
  return `the bundled dataset as of ${dataset.asOf} (${days} day${days === 1 ? '' : 's'} old)`;
}
