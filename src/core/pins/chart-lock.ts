// A Chart.lock moves with the Chart.yaml it locks. When an edit changes a dependency's version or
// repository in Chart.yaml, the same dependency changes in the lock, and the lock's digest is worked
// out again as Helm 3 works it out (sha256 over the JSON of the declared and the locked dependencies),
// so `helm dependency build` (which Argo CD and most chart CIs run) accepts the lock.
//
// The digest is only recomputed when the digest the lock holds is the one we compute for the files as
// found. Otherwise (a lock already out of sync, repository aliases Helm resolves from its own config,
// a Helm that hashes otherwise) the lock is left as it is, with a warning that says what to run.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Scalar } from 'yaml';
import { FileFormatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Splice } from './splice.js';
import { linePosition, scalarSource } from './yaml-documents.js';

type Dependency = Record<string, unknown>;

/** What the lock of one chart needs, given the chart's Chart.yaml before and after the edit. */
export interface LockedChart {
  chartFile: string;
  before: string;
  after: string;
  lockFile: string;
  lock: string;
}

/** The lock file next to a spliced `Chart.yaml`, or undefined for any other file. */
export function lockFileOf(file: string): string | undefined {
  return posix.basename(file) === 'Chart.yaml' ? posix.join(posix.dirname(file), 'Chart.lock') : undefined;
}

/**
 * The splices that bring a Chart.lock in line with its edited Chart.yaml (none when nothing it
 * locks changed, or when the lock cannot be trusted; that case is a warning naming the lock).
 */
export function chartLockSplices(chart: LockedChart, logger: Logger): Splice[] {
  const declaredBefore = dependenciesOf(chart.before);
  const declaredAfter = dependenciesOf(chart.after);
  const lockDocument = parseDocument(chart.lock, { uniqueKeys: false });
  const lock = lockDocument.toJS() as { digest?: unknown; dependencies?: unknown } | null;
  const locked = Array.isArray(lock?.dependencies) ? (lock.dependencies as Dependency[]) : undefined;
  if (!declaredBefore || !declaredAfter || !locked || lockDocument.errors.length > 0) return [];
  const changes = lockChanges(declaredBefore, declaredAfter, locked);
  if (changes.length === 0) return [];
  if (typeof lock?.digest !== 'string' || helmDigest(declaredBefore, locked) !== lock.digest) {
    logger.warning(
      `${chart.lockFile} was left as it is: its digest does not match ${chart.chartFile} as found (out of sync already, or repository aliases). Run \`helm dependency update ${posix.dirname(chart.chartFile)}\` on this branch and commit the new lock`,
      { file: chart.lockFile },
    );
    return [];
  }
  const updated = locked.map((d, i) => ({ ...d, ...changes.find((c) => c.index === i)?.set }));
  const splices = changes.flatMap((change) =>
    Object.entries(change.set).map(([key, value]) =>
      scalarSplice(chart, lockDocument, ['dependencies', change.index, key], value),
    ),
  );
  splices.push(scalarSplice(chart, lockDocument, ['digest'], helmDigest(declaredAfter, updated)));
  return splices;
}

interface LockChange {
  index: number;
  set: Partial<Record<'version' | 'repository', string>>;
}

/** Locked dependencies whose declared version or repository the edit changed. */
function lockChanges(before: Dependency[], after: Dependency[], locked: Dependency[]): LockChange[] {
  const changes: LockChange[] = [];
  before.forEach((declared, i) => {
    const now = after[i];
    if (!now || text(now.name) !== text(declared.name)) return;
    const index = locked.findIndex(
      (l) => text(l.name) === text(declared.name) && text(l.repository) === text(declared.repository),
    );
    if (index === -1) return;
    const set: LockChange['set'] = {};
    if (text(now.version) !== text(declared.version)) set.version = text(now.version);
    if (text(now.repository) !== text(declared.repository)) set.repository = text(now.repository);
    if (Object.keys(set).length > 0) changes.push({ index, set });
  });
  return changes;
}

function dependenciesOf(chartYaml: string): Dependency[] | undefined {
  const document = parseDocument(chartYaml, { uniqueKeys: false });
  if (document.errors.length > 0) return undefined;
  const deps = (document.toJS() as { dependencies?: unknown } | null)?.dependencies;
  return Array.isArray(deps) ? (deps as Dependency[]) : undefined;
}

function scalarSplice(
  chart: LockedChart,
  document: Document.Parsed,
  path: (string | number)[],
  value: string,
): Splice {
  const node = document.getIn(path, true);
  const source = isScalar(node) ? scalarSource({ path: chart.lockFile, text: chart.lock }, node) : undefined;
  if (!source || !isPlainValue(node as Scalar, value)) {
    // A digest or version written in an unusual form: replace the whole value with a plain scalar.
    return wholeValueSplice(chart, document, path, value);
  }
  const { line, col } = linePosition(chart.lock, source.offset);
  return {
    file: chart.lockFile,
    start: source.offset,
    end: source.offset + source.text.length,
    expected: source.text,
    replacement: value,
    line,
    column: col,
  };
}

function isPlainValue(node: Scalar, value: string): boolean {
  return node.type !== 'PLAIN' || /^[\w.:/@+-]+$/.test(value);
}

function wholeValueSplice(
  chart: LockedChart,
  document: Document.Parsed,
  path: (string | number)[],
  value: string,
): Splice {
  const node = document.getIn(path, true) as Scalar | undefined;
  const range = node?.range;
  const parent = document.getIn(path.slice(0, -1), true);
  if (!range || !(isMap(parent) || isSeq(parent)))
    throw new FileFormatError(`${path.join('.')} is not where Helm writes it`, {
      file: chart.lockFile,
      hint: `Nothing was written. Run \`helm dependency update ${posix.dirname(chart.chartFile)}\` to rewrite the lock.`,
    });
  const { line, col } = linePosition(chart.lock, range[0]);
  return {
    file: chart.lockFile,
    start: range[0],
    end: range[1],
    expected: chart.lock.slice(range[0], range[1]),
    replacement: JSON.stringify(value),
    line,
    column: col,
  };
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Helm 3's lock digest: sha256 of the JSON of [declared, locked], fields in Helm's own order. */
export function helmDigest(declared: readonly Dependency[], locked: readonly Dependency[]): string {
  const list = (deps: readonly Dependency[]) => `[${deps.map(dependencyJson).join(',')}]`;
  const json = `[${list(declared)},${list(locked)}]`;
  return `sha256:${createHash('sha256').update(json, 'utf8').digest('hex')}`;
}

function dependencyJson(d: Dependency): string {
  const fields = [`"name":${goJson(text(d.name))}`];
  if (text(d.version)) fields.push(`"version":${goJson(text(d.version))}`);
  fields.push(`"repository":${goJson(text(d.repository))}`);
  if (text(d.condition)) fields.push(`"condition":${goJson(text(d.condition))}`);
  if (Array.isArray(d.tags) && d.tags.length > 0) fields.push(`"tags":${goJson(d.tags.map((t) => text(t)))}`);
  if (d.enabled === true) fields.push('"enabled":true');
  const imports = d['import-values'];
  if (Array.isArray(imports) && imports.length > 0) fields.push(`"import-values":${goJson(imports)}`);
  if (text(d.alias)) fields.push(`"alias":${goJson(text(d.alias))}`);
  return `{${fields.join(',')}}`;
}

/** JSON as Go's encoding/json writes it: map keys sorted, and <, >, & escaped. */
function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(',')}}`;
  }
  return (JSON.stringify(value ?? null) ?? 'null').replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
