// The pin engine: find every pin in a set of files or a workspace, plan the edits that move them to
// a target version, and splice exactly the version bytes of each one.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { FileFormatError, InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { ReleaseTarget } from '../releases/release-target.js';
import { compareVersions } from '../versions/parse.js';
import type { AtomicWriteOptions } from '../workspace/atomic.js';
import { writeFilesAtomically } from '../workspace/atomic.js';
import {
  globMatcher,
  isRegularWorkspaceFile,
  listWorkspace,
  noticeSkipped,
  readWorkspaceFile,
  resolveInsideWorkspace,
} from '../workspace/files.js';
import { PIN_KINDS } from './index.js';
import { formatVersion, type DocumentLookup, type PinKind, type YamlPinKind } from './kind.js';
import type { Pin, PinEdit, RoleSelection, SourceText } from './types.js';
import { parseYamlFile } from './yaml-documents.js';
import type { ParsedFile } from './yaml-documents.js';

export type ExtractInput = { files: readonly SourceText[] } | { root: string; paths?: readonly string[] };

export interface ExtractOptions {
  logger?: Logger;
  kinds?: readonly PinKind[];
  /** Let every kind look at every file, whatever its name (for a single named file). */
  ignoreFilePatterns?: boolean;
  maxFileBytes?: number;
}

export interface ExtractResult {
  pins: Pin[];
  /** Files listed, and files that passed the raw-text pre-filter and were parsed. */
  scannedFiles: number;
  parsedFiles: number;
}

interface Candidate {
  path: string;
  content: Buffer;
}

/** The kinds that look at a path, and the one pattern of their keywords a file must hold to be parsed. */
interface KindSelection {
  kinds: readonly PinKind[];
  /** Undefined when some selected kind looks at every file whatever its text. */
  keywords?: RegExp;
}

/** Every pin in the files (or the workspace's files matching `paths`), sorted by file and position. */
export function extractPins(input: ExtractInput, options: ExtractOptions = {}): ExtractResult {
  const logger = options.logger ?? silentLogger;
  const kinds = options.kinds ?? PIN_KINDS;
  const kindsFor = kindSelector(kinds, options.ignoreFilePatterns ?? false);
  const parsed = new Map<string, ParsedFile | null>();
  const parse = (candidate: Candidate): ParsedFile | null => {
    if (!parsed.has(candidate.path)) parsed.set(candidate.path, parseCandidate(candidate, logger));
    return parsed.get(candidate.path) ?? null;
  };

  const pins: Pin[] = [];
  const facts = new Map<YamlPinKind, unknown[]>();
  const visit = (candidate: Candidate): void => {
    const selection = kindsFor(candidate.path);
    if (selection.kinds.length === 0) return;
    // Most files mention no keyword: one regex over the raw bytes rejects them before any UTF-8 decode.
    if (selection.keywords && !selection.keywords.test(candidate.content.toString('latin1'))) return;
    for (const kind of selection.kinds) {
      if (!mentionsAny(candidate.content, kind.keywords)) continue;
      if (kind.input === 'text') {
        pins.push(...kind.extract({ path: candidate.path, text: candidate.content.toString('utf8') }));
        continue;
      }
      const file = parse(candidate);
      if (!file) continue;
      const result = kind.extract(file);
      pins.push(...result.pins);
      if (result.facts?.length) facts.set(kind, [...(facts.get(kind) ?? []), ...result.facts]);
    }
  };

  let scannedFiles: number;
  let everyFile: () => Candidate[];
  if ('files' in input) {
    const candidates = input.files.map(fromSource);
    candidates.forEach(visit);
    scannedFiles = candidates.length;
    everyFile = () => candidates;
  } else {
    // Contents are not kept: only a cross-file lookup (Flux substitutions) needs them again, so it
    // reads the same files a second time, once, instead of every scan holding the whole repo in memory.
    const readable = visitWorkspace(input, options, logger, kindsFor, visit);
    scannedFiles = readable.length;
    let reread: Candidate[] | undefined;
    everyFile = () => (reread ??= rereadWorkspace(input.root, readable, options));
  }

  const lookup: DocumentLookup = {
    logger,
    filesContaining: (...keywords) =>
      everyFile()
        .filter((c) => keywords.every((k) => c.content.includes(k)))
        .map(parse)
        .filter((f): f is ParsedFile => f !== null),
  };
  for (const [kind, kindFacts] of facts) pins.push(...(kind.link?.(kindFacts, lookup) ?? []));
  return { pins: uniquePins(pins), scannedFiles, parsedFiles: parsed.size };
}

function fromSource(source: SourceText): Candidate {
  return { path: source.path, content: Buffer.from(source.text, 'utf8') };
}

/**
 * Reads and visits each listed file in turn; returns the paths a cross-file lookup may read again.
 * Where git already searched the files for every kind's keywords, a file that holds none of its
 * kinds' keywords cannot hold a pin and is not read at all.
 */
function visitWorkspace(
  input: { root: string; paths?: readonly string[] },
  options: ExtractOptions,
  logger: Logger,
  kindsFor: (path: string) => KindSelection,
  visit: (candidate: Candidate) => void,
): string[] {
  const kinds = options.kinds ?? PIN_KINDS;
  const keywords = [...new Set(kinds.flatMap((kind) => kind.keywords))];
  const listing = listWorkspace(input.root, { patterns: input.paths ?? [], logger, keywords });
  const readable: string[] = [];
  // Only kinds that need no keyword can want a file git found no keyword in: match just those first.
  const keywordless = kinds.filter((kind) => kind.keywords.length === 0);
  const wantedWithoutKeywords = options.ignoreFilePatterns
    ? () => keywordless.length > 0
    : globMatcher(keywordless.flatMap((kind) => kind.filePatterns));
  for (const path of listing.paths) {
    if (listing.mentioning && !listing.mentioning.has(path) && !wantedWithoutKeywords(path)) {
      readable.push(path);
      continue;
    }
    const selection = kindsFor(path);
    if (
      listing.mentioning &&
      (selection.kinds.length === 0 || (selection.keywords && !listing.mentioning.has(path)))
    ) {
      readable.push(path);
      continue;
    }
    if (listing.mentioning && !isRegularWorkspaceFile(input.root, path, logger)) continue;
    const result = readWorkspaceFile(input.root, path, options.maxFileBytes);
    if (result.status !== 'ok') {
      noticeSkipped(result, logger);
      continue;
    }
    readable.push(path);
    visit({ path, content: result.content });
  }
  return readable;
}

function rereadWorkspace(root: string, paths: readonly string[], options: ExtractOptions): Candidate[] {
  return paths.flatMap((path) => {
    if (!isRegularWorkspaceFile(root, path)) return [];
    const result = readWorkspaceFile(root, path, options.maxFileBytes);
    return result.status === 'ok' ? [{ path, content: result.content }] : [];
  });
}

/**
 * Which kinds look at a path: each kind's globs compiled once to a regex (no per-file matcher
 * setup), and one keyword pattern per distinct set of kinds, built the first time that set occurs.
 */
function kindSelector(
  kinds: readonly PinKind[],
  everyKindEverywhere: boolean,
): (path: string) => KindSelection {
  const matchers = kinds.map((kind) => globMatcher(kind.filePatterns));
  const selections = new Map<string, KindSelection>();
  return (path) => {
    const chosen = everyKindEverywhere ? kinds.map(() => true) : matchers.map((matches) => matches(path));
    const key = chosen.map((yes) => (yes ? '1' : '0')).join('');
    let selection = selections.get(key);
    if (!selection) {
      const selected = kinds.filter((_, index) => chosen[index]);
      selection = {
        kinds: selected,
        ...(selected.every((kind) => kind.keywords.length > 0) ? { keywords: keywordPattern(selected) } : {}),
      };
      selections.set(key, selection);
    }
    return selection;
  };
}

/** The selected kinds' keywords as one regex, so most files are rejected in a single scan. */
function keywordPattern(kinds: readonly PinKind[]): RegExp {
  const escaped = kinds.flatMap((kind) => kind.keywords).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp([...new Set(escaped)].join('|'));
}

/** The per-kind check, on raw bytes, for the few files the keyword pattern let through. */
function mentionsAny(content: Buffer, keywords: readonly string[]): boolean {
  return keywords.length === 0 || keywords.some((keyword) => content.includes(keyword));
}

function parseCandidate(candidate: Candidate, logger: Logger): ParsedFile | null {
  const text = candidate.content.toString('utf8');
  try {
    return parseYamlFile({ path: candidate.path, text });
  } catch (error) {
    // Helm chart templates are Go templates, not YAML; they hold no pins we could edit safely.
    if (error instanceof FileFormatError && text.includes('{{')) {
      logger.notice(`skipped ${candidate.path}: a template that is not plain YAML`, { file: candidate.path });
      return null;
    }
    throw error;
  }
}

function uniquePins(pins: Pin[]): Pin[] {
  const seen = new Map<string, Pin>();
  for (const pin of pins) {
    const key = `${pin.file}\0${pin.start}`;
    if (!seen.has(key)) seen.set(key, pin);
  }
  return [...seen.values()].sort((a, b) =>
    a.file === b.file ? a.start - b.start : a.file < b.file ? -1 : 1,
  );
}

export interface PlanOptions {
  role?: RoleSelection;
  logger?: Logger;
  kinds?: readonly PinKind[];
}

export interface PinPlan {
  target: string;
  edits: PinEdit[];
  /** Selected pins already at the target. */
  unchanged: Pin[];
  /** Pins left alone, and why (other role, newer than the target). */
  skipped: { pin: Pin; reason: string }[];
  /** Whether the target was checked against a list of releases. */
  releaseChecked: boolean;
}

/**
 * Plans the edits that move the selected role's pins to `target` (validated by releases/release-target);
 * refuses what cannot be done safely.
 */
export function planPinUpdates(
  pins: readonly Pin[],
  target: ReleaseTarget,
  options: PlanOptions = {},
): PinPlan {
  const logger = options.logger ?? silentLogger;
  const role = options.role ?? 'control-plane';
  const version = target.version;
  const kinds = options.kinds ?? PIN_KINDS;
  const plan: PinPlan = {
    target: version,
    edits: [],
    unchanged: [],
    skipped: [],
    releaseChecked: target.checkedAgainst !== undefined,
  };
  const refused: Pin[] = [];
  for (const pin of pins) {
    if (role !== 'all' && pin.role !== role) {
      plan.skipped.push({ pin, reason: `${pin.role} pin; role is ${role}` });
    } else if (pin.version === version) {
      plan.unchanged.push(pin);
    } else if (compareVersions(pin.version, version) > 0) {
      plan.skipped.push({ pin, reason: `pins ${pin.version}, newer than ${version}; not downgraded` });
      logger.warning(`${pin.location} pins ${pin.version}, newer than ${version}; left alone`, pin);
    } else if (pin.digest) {
      refused.push(pin);
    } else {
      const kind = kinds.find((k) => k.name === pin.kind);
      if (!kind) throw new Error(`no pin kind ${pin.kind}`);
      plan.edits.push({ pin, replacement: (kind.update ?? formatVersion)(pin, version), target: version });
    }
  }
  if (refused.length > 0) {
    const first = refused[0]!;
    throw new InvalidInputError(
      `${refused.length} pin(s) carry an image digest (${refused.map((p) => `${p.file}:${p.line}`).join(', ')}); a digest cannot be derived from a version`,
      {
        file: first.file,
        line: first.line,
        hint: 'Pin these images by tag only, or update tag and digest yourself; nothing was written.',
      },
    );
  }
  return plan;
}

/** The new content of every file the edits touch, spliced on bytes so nothing else can change. */
export function renderPinUpdates(
  edits: readonly PinEdit[],
  readFile: (path: string) => Buffer,
): Map<string, Buffer> {
  const byFile = new Map<string, PinEdit[]>();
  for (const edit of edits) byFile.set(edit.pin.file, [...(byFile.get(edit.pin.file) ?? []), edit]);
  const rendered = new Map<string, Buffer>();
  for (const [file, fileEdits] of byFile) {
    const original = readFile(file);
    const text = original.toString('utf8');
    const ordered = [...new Map(fileEdits.map((e) => [e.pin.start, e])).values()].sort(
      (a, b) => a.pin.start - b.pin.start,
    );
    const parts: Buffer[] = [];
    let at = 0;
    for (const edit of ordered) {
      const start = Buffer.byteLength(text.slice(0, edit.pin.start));
      const end = start + Buffer.byteLength(text.slice(edit.pin.start, edit.pin.end));
      // The file must still hold exactly the version we read; anything else means it moved under us.
      if (original.subarray(start, end).toString('latin1') !== edit.pin.version) {
        throw new FileFormatError(
          `expected ${edit.pin.version} at column ${edit.pin.column}, found something else`,
          {
            file,
            line: edit.pin.line,
            hint: 'The file changed since it was scanned, or is not UTF-8; run the bump again.',
          },
        );
      }
      parts.push(original.subarray(at, start), Buffer.from(edit.replacement, 'utf8'));
      at = end;
    }
    parts.push(original.subarray(at));
    const updated = Buffer.concat(parts);
    if (/\.ya?ml$/i.test(file) || file.endsWith('Kustomization')) assertStillYaml(file, updated);
    rendered.set(file, updated);
  }
  return rendered;
}

function assertStillYaml(file: string, content: Buffer): void {
  for (const document of parseAllDocuments(content.toString('utf8'))) {
    const error = document.errors[0];
    if (error) {
      throw new FileFormatError(`the edit would break the YAML: ${error.message.split('\n')[0]}`, {
        file,
        line: error.linePos?.[0]?.line,
        hint: 'Nothing was written. Please report this file layout.',
      });
    }
  }
}

export interface ApplyOptions extends AtomicWriteOptions {
  dryRun?: boolean;
}

/** Writes the edits into the workspace, all files or none; returns the files that change. */
export function applyPinUpdates(
  root: string,
  edits: readonly PinEdit[],
  options: ApplyOptions = {},
): string[] {
  const absolute = (file: string) => resolveInsideWorkspace(root, file);
  const rendered = renderPinUpdates(edits, (file) => readFileSync(absolute(file)));
  const changed = [...rendered.keys()].sort();
  if (!options.dryRun) {
    writeFilesAtomically(
      changed.map((file) => ({ path: absolute(file), content: rendered.get(file)! })),
      options,
    );
  }
  return changed;
}
