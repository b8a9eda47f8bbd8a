// Regenerates data/istio-{releases,support,advisories}.json from Istio's published facts and checks them,
// and the Kubernetes support rules of data/upgrade-notes.json from the support data.
//
//   node scripts/refresh-data.mjs --from <facts-dir> [--as-of YYYY-MM-DD]
//   node scripts/refresh-data.mjs --upgrade-notes   (rebuild the generated rules from istio-support.json)
//   node scripts/refresh-data.mjs --check
//
// <facts-dir> holds the facts gathered from Istio's sources (see data/README.md for how to gather them):
// istio-releases.json (tags + istio.io announcements), istio-support.json (istio.io
// data/compatibility/supportStatus.yml + EOL notices) and istio-security-bulletins.json (istio.io
// content/en/news/security/*/index.md). This script owns the project's schema: it keeps only what the
// actions use, re-derives advisory ranges from the bulletins' own wording, and refuses to write a
// dataset that fails the checks (every range parses, every fix lies outside its range, the published
// patch before each fix lies inside).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = new URL('..', import.meta.url).pathname;
const dataDir = join(root, 'data');
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

const RELEASE = /^(\d+)\.(\d+)\.(\d+)(?:-((?:alpha|beta|rc)\.\d+))?$/;

/** `1.8` -> `1.8.0`; full versions unchanged. */
function full(version) {
  return /^\d+\.\d+$/.test(version) ? `${version}.0` : version;
}

/** One bulletin "affected" phrase -> a node-semver comparator set, or undefined when free text. */
export function rangeFromPhrase(phrase) {
  const text = phrase.trim();
  let m;
  if ((m = /^(\d+\.\d+(?:\.\d+)?) to (\d+\.\d+\.\d+)$/.exec(text))) return `>=${full(m[1])} <=${m[2]}`;
  if ((m = /^All releases prior to (\d+\.\d+(?:\.\d+)?)$/i.exec(text))) return `<${full(m[1])}`;
  if ((m = /^All (\d+\.\d+) patch releases$/i.exec(text)))
    return `>=${m[1]}.0 <${semver.inc(`${m[1]}.0`, 'minor')}`;
  if ((m = /^All releases (\d+\.\d+(?:\.\d+)?) and later$/i.exec(text))) return `>=${full(m[1])}`;
  // A bare minor in a bulletin names the only release of it at the time (1.5 -> 1.5.0).
  if ((m = /^(\d+\.\d+(?:\.\d+)?)$/.exec(text))) return full(m[1]);
  return undefined;
}

function severityOf(cvss) {
  if (cvss === undefined) return 'unknown';
  if (cvss >= 9) return 'critical';
  if (cvss >= 7) return 'high';
  if (cvss >= 4) return 'medium';
  return cvss > 0 ? 'low' : 'unknown';
}

function deriveReleases(facts) {
  return facts
    .filter((r) => RELEASE.test(r.version))
    .map((r) => ({ version: r.version, date: r.date, ...(r.prerelease ? { prerelease: true } : {}) }))
    .sort((a, b) => semver.compare(a.version, b.version));
}

function deriveSupport(facts) {
  return facts.map((m) => ({
    minor: m.minor,
    releaseDate: m.releaseDate,
    eolDate: m.eolDate ?? null,
    ...(m.eolDateIsExpected ? { eolExpected: true } : {}),
    kubernetes: m.k8sVersions ?? [],
  }));
}

function deriveAdvisories(facts, problems) {
  return facts.map((b) => {
    const noFix = (b.fixed ?? []).length === 0;
    const configOnly = b.advisoryOnly === true && noFix;
    let affected;
    let note;
    if (b.affectedRangesConservative) {
      // The published list is known to be wrong (shifted or incomplete); use the safe reading.
      affected = b.affectedRangesConservative;
      note = 'affected list as published is inconsistent; the conservative reading is used';
    } else if (!configOnly) {
      const parts = b.affected.map((phrase) => ({ phrase, range: rangeFromPhrase(phrase) }));
      for (const p of parts)
        if (!p.range) problems.push(`${b.id}: cannot read affected phrase '${p.phrase}'`);
      affected = parts.map((p) => p.range).join(' || ');
    }
    const scores = b.cves.map((c) => c.cvss).filter((s) => typeof s === 'number');
    const bulletinScore = b.cvss && !Number.isNaN(Number(b.cvss)) ? Number(b.cvss) : undefined;
    const cvss = scores.length ? Math.max(...scores) : bulletinScore;
    const ghsa = [...new Set(b.cves.flatMap((c) => (c.aliases ?? []).filter((a) => a.startsWith('GHSA-'))))];
    return {
      id: b.id.startsWith('ISTIO-SECURITY-') ? b.id : b.slug,
      published: b.date,
      summary: b.description,
      url: `https://istio.io/latest/news/security/${b.slug}/`,
      // Placeholder ids (CVE-XXXX-XXXXX, CVE-2026-XXXXX) name nothing a user could look up.
      cves: b.cves.map((c) => c.id).filter((id) => /^CVE-\d{4}-\d+$/.test(id)),
      ghsa: [...ghsa, ...b.cves.map((c) => c.id).filter((id) => id.startsWith('GHSA-'))],
      severity: severityOf(cvss),
      ...(cvss !== undefined ? { cvss } : {}),
      affected: affected ?? null,
      fixed: b.fixed ?? [],
      ...(configOnly ? { kind: 'configuration' } : {}),
      ...(note ? { note } : {}),
    };
  });
}

/** The checks the dataset must pass; returns problems (empty when sound). */
export function checkDataset(releases, advisories) {
  const problems = [];
  const published = releases.filter((r) => !r.prerelease).map((r) => r.version);
  for (const a of advisories) {
    if (a.affected === null) continue;
    const range = semver.validRange(a.affected);
    if (range === null) {
      problems.push(`${a.id}: affected range '${a.affected}' does not parse`);
      continue;
    }
    for (const fix of a.fixed) {
      if (!published.includes(fix)) problems.push(`${a.id}: fixed version ${fix} is not a published release`);
      if (semver.satisfies(fix, range))
        problems.push(`${a.id}: fixed version ${fix} lies inside ${a.affected}`);
      const before = published
        .filter((v) => semver.major(v) === semver.major(fix) && semver.minor(v) === semver.minor(fix))
        .filter((v) => semver.lt(v, fix))
        .sort(semver.compare)
        .pop();
      if (before && !semver.satisfies(before, range))
        problems.push(`${a.id}: ${before}, the release before fix ${fix}, lies outside ${a.affected}`);
    }
  }
  return problems;
}

const SUPPORTED_RELEASES_URL =
  'https://istio.io/latest/docs/releases/supported-releases/#support-status-of-istio-releases';
const minorKey = (minor) => minor.split('.').map(Number);

/** The generated rules: for each minor from 1.22 with known Kubernetes versions, the range it supports. */
export function kubernetesNotes(support) {
  return support
    .filter((m) => minorKey(m.minor)[1] >= 22 && m.kubernetes.length > 0)
    .map((m) => ({
      id: `${m.minor}-kubernetes`,
      minor: m.minor,
      category: 'kubernetes-support',
      title: `Istio ${m.minor} supports Kubernetes ${m.kubernetes[0]} to ${m.kubernetes[m.kubernetes.length - 1]}`,
      url: SUPPORTED_RELEASES_URL,
      detect: { type: 'kubernetes', supported: m.kubernetes },
      action: 'block',
      generated: true,
    }));
}

/** The hand-written notes kept, the generated ones rebuilt; ordered by minor, Kubernetes first, then id. */
export function mergeUpgradeNotes(notes, support) {
  const merged = [...notes.filter((n) => !n.generated), ...kubernetesNotes(support)];
  return merged.sort((a, b) => {
    const [am, an] = minorKey(a.minor);
    const [bm, bn] = minorKey(b.minor);
    const ak = a.category === 'kubernetes-support' ? 0 : 1;
    const bk = b.category === 'kubernetes-support' ? 0 : 1;
    return am - bm || an - bn || ak - bk || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

/**
 * Every rule has a unique id, an istio.io source, a detector and an action of the file's own lists
 * (`vocabulary`: its `detectors` and `actions`, which the action code reads too); generated ones match
 * the support data.
 */
export function checkUpgradeNotes(notes, support, vocabulary) {
  const problems = [];
  const seen = new Set();
  for (const n of notes) {
    if (seen.has(n.id)) problems.push(`${n.id}: duplicate id`);
    seen.add(n.id);
    if (!/^1\.\d+$/.test(n.minor ?? '')) problems.push(`${n.id}: minor '${n.minor}'`);
    if (!/^https:\/\/istio\.io\//.test(n.url ?? ''))
      problems.push(`${n.id}: url '${n.url}' is not an istio.io page`);
    if (!vocabulary.detectors.includes(n.detect?.type))
      problems.push(`${n.id}: unknown detector '${n.detect?.type}'`);
    if (!vocabulary.actions.includes(n.action)) problems.push(`${n.id}: unknown action '${n.action}'`);
  }
  const expected = JSON.stringify(kubernetesNotes(support));
  const actual = JSON.stringify(notes.filter((n) => n.generated));
  if (expected !== actual)
    problems.push('the kubernetes-support rules differ from istio-support.json: run --upgrade-notes');
  return problems;
}

function writeUpgradeNotes(support) {
  const file = join(dataDir, 'upgrade-notes.json');
  const current = JSON.parse(readFileSync(file, 'utf8'));
  const notes = mergeUpgradeNotes(current.notes, support);
  const problems = checkUpgradeNotes(notes, support, current);
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    console.error('upgrade-notes.json not written');
    process.exit(1);
  }
  const { asOf, source, detectors, actions } = current;
  writeJson(file, { schema: 1, asOf, source, detectors, actions }, 'notes', notes);
  return notes.length;
}

/** One record per line: reviewable diffs when a refresh adds a release. */
function writeJson(file, header, key, records) {
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const body = records.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  const text = `${head},\n  ${JSON.stringify(key)}: [\n${body}\n  ]\n}\n`;
  JSON.parse(text);
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function main() {
  if (args.includes('--check')) {
    const releases = JSON.parse(readFileSync(join(dataDir, 'istio-releases.json'), 'utf8')).releases;
    const advisories = JSON.parse(readFileSync(join(dataDir, 'istio-advisories.json'), 'utf8')).advisories;
    const support = JSON.parse(readFileSync(join(dataDir, 'istio-support.json'), 'utf8')).minors;
    const notesFile = JSON.parse(readFileSync(join(dataDir, 'upgrade-notes.json'), 'utf8'));
    const problems = [
      ...checkDataset(releases, advisories),
      ...checkUpgradeNotes(notesFile.notes, support, notesFile),
    ];
    for (const p of problems) console.error(p);
    console.log(problems.length === 0 ? 'dataset is consistent' : `${problems.length} problems`);
    process.exit(problems.length === 0 ? 0 : 1);
  }
  if (args.includes('--upgrade-notes')) {
    const support = JSON.parse(readFileSync(join(dataDir, 'istio-support.json'), 'utf8')).minors;
    console.log(`wrote ${writeUpgradeNotes(support)} upgrade notes`);
    return;
  }
  const from = option('--from');
  if (!from) {
    console.error(
      'usage: node scripts/refresh-data.mjs --from <facts-dir> [--as-of YYYY-MM-DD] | --upgrade-notes | --check',
    );
    process.exit(64);
  }
  const read = (name) => JSON.parse(readFileSync(join(from, name), 'utf8'));
  const supportFacts = read('istio-support.json');
  const asOf =
    option('--as-of') ??
    supportFacts
      .map((m) => m.statusAsOf)
      .filter(Boolean)
      .sort()
      .pop();
  const releases = deriveReleases(read('istio-releases.json'));
  const support = deriveSupport(supportFacts);
  const problems = [];
  const advisories = deriveAdvisories(read('istio-security-bulletins.json'), problems);
  problems.push(...checkDataset(releases, advisories));
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    console.error('not written: fix the facts or the derivation first');
    process.exit(1);
  }
  const header = (source) => ({ schema: 1, asOf, generatedAt: new Date().toISOString(), source });
  writeJson(
    join(dataDir, 'istio-releases.json'),
    header('istio/istio tags and istio.io release announcements'),
    'releases',
    releases,
  );
  writeJson(
    join(dataDir, 'istio-support.json'),
    {
      ...header('istio.io data/compatibility/supportStatus.yml and EOL announcements'),
      policy: 'a minor is supported until six weeks after minor N+2 is released',
    },
    'minors',
    support,
  );
  writeJson(
    join(dataDir, 'istio-advisories.json'),
    header('istio.io security bulletins (content/en/news/security)'),
    'advisories',
    advisories,
  );
  const notes = writeUpgradeNotes(support);
  console.log(
    `wrote ${releases.length} releases, ${support.length} minors, ${advisories.length} advisories, ${notes} upgrade notes (as of ${asOf})`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
