// What the pin scan reads: candidate files (given, or listed from the workspace and read once), the
// kinds that look at each, and the parses a scan and a cross-file lookup share.
import type { Logger } from '../logger.js';
import {
  globMatcher,
  isRegularWorkspaceFile,
  listWorkspace,
  noticeSkipped,
  readWorkspaceFile,
} from '../workspace/files.js';
import { PIN_KINDS } from './index.js';
import type { PinKind, YamlPinKind } from './kind.js';
import { parseDocumentsMentioning } from './scan-documents.js';
import type { Pin, SourceText } from './types.js';
import { parseEditableYamlFile, type ParsedFile } from './yaml-documents.js';

export interface CandidateOptions {
  kinds?: readonly PinKind[];
  /** Let every kind look at every file, whatever its name (for a single named file). */
  ignoreFilePatterns?: boolean;
  maxFileBytes?: number;
  /**
   * Parse every document of a candidate file, not only those that mention a keyword of the kinds
   * looking at it. Slower; for tests proving the two find the same pins.
   */
  parseWholeFiles?: boolean;
}

export interface Candidate {
  path: string;
  content: Buffer;
}

/** The kinds that look at a path, and the one pattern of their keywords a file must hold to be parsed. */
export interface KindSelection {
  kinds: readonly PinKind[];
  /** Undefined when some selected kind looks at every file whatever its text. */
  keywords?: RegExp;
  /** The YAML kinds' keywords; undefined when one of them has none (then every document is parsed). */
  yamlKeywords?: readonly string[];
}

/** The scan's two memos: only the documents that can hold a pin; whole files for a cross-file lookup. */
export function candidateParsers(options: CandidateOptions, logger: Logger) {
  const parsed = new Map<string, ParsedFile | null>();
  const parsedWhole = new Map<string, ParsedFile | null>();
  const whole = (candidate: Candidate): ParsedFile | null => {
    if (!parsedWhole.has(candidate.path)) parsedWhole.set(candidate.path, parseCandidate(candidate, logger));
    return parsedWhole.get(candidate.path) ?? null;
  };
  const forScan = (candidate: Candidate, selection: KindSelection): ParsedFile | null => {
    if (options.parseWholeFiles || !selection.yamlKeywords) return whole(candidate);
    if (!parsed.has(candidate.path))
      parsed.set(candidate.path, parseCandidate(candidate, logger, selection.yamlKeywords));
    return parsed.get(candidate.path) ?? null;
  };
  /** How many distinct files were parsed, either way. */
  const count = () => new Set([...parsed.keys(), ...parsedWhole.keys()]).size;
  return { whole, forScan, count };
}

/** Visits candidates: each kind looking at one extracts its pins, and YAML kinds their cross-file facts. */
export function pinCollector(
  kindsFor: (path: string) => KindSelection,
  parse: Pick<ReturnType<typeof candidateParsers>, 'forScan'>,
) {
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
      const file = parse.forScan(candidate, selection);
      if (!file) continue;
      const result = kind.extract(file);
      pins.push(...result.pins);
      if (result.facts?.length) facts.set(kind, [...(facts.get(kind) ?? []), ...result.facts]);
    }
  };
  return { pins, facts, visit };
}

/** Visits every candidate of the input; returns how many were listed and how to have them all again. */
export function scanCandidates(
  input: { files: readonly SourceText[] } | { root: string; paths?: readonly string[] },
  options: CandidateOptions,
  logger: Logger,
  kindsFor: (path: string) => KindSelection,
  visit: (candidate: Candidate) => void,
): { scannedFiles: number; everyFile: () => Candidate[] } {
  if ('files' in input) {
    const candidates = input.files.map(fromSource);
    candidates.forEach(visit);
    return { scannedFiles: candidates.length, everyFile: () => candidates };
  }
  // Contents are not kept: only a cross-file lookup (Flux substitutions) needs them again, so it
  // reads the same files a second time, once, instead of every scan holding the whole repo in memory.
  const readable = visitWorkspace(input, options, logger, kindsFor, visit);
  let reread: Candidate[] | undefined;
  return {
    scannedFiles: readable.length,
    everyFile: () => (reread ??= rereadWorkspace(input.root, readable, options)),
  };
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
  options: CandidateOptions,
  logger: Logger,
  kindsFor: (path: string) => KindSelection,
  visit: (candidate: Candidate) => void,
): string[] {
  const kinds = options.kinds ?? PIN_KINDS;
  const { grepped, byPath } = splitByPathKinds(kinds, options.ignoreFilePatterns ?? false);
  const keywords = [...new Set(grepped.flatMap((kind) => kind.keywords))];
  const listing = listWorkspace(input.root, { patterns: input.paths ?? [], logger, keywords });
  const readable: string[] = [];
  // Only the kinds git did not search for (no keyword, or named files) can want a file git found no
  // keyword in: match just those first. Their files are read, and the raw-text check in visit decides.
  const wantedWithoutGrep = options.ignoreFilePatterns
    ? () => byPath.length > 0
    : globMatcher(byPath.flatMap((kind) => kind.filePatterns));
  for (const path of listing.paths) {
    if (listing.mentioning && !listing.mentioning.has(path) && !wantedWithoutGrep(path)) {
      readable.push(path);
      continue;
    }
    const selection = kindsFor(path);
    if (listing.mentioning && selection.kinds.length === 0) {
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

/** Paths that stand for "any manifest": a kind whose globs match them looks at most of a repo. */
const ANY_MANIFEST = ['manifest.yaml', 'apps/team/svc/manifest.yaml', 'apps/team/svc/manifest.yml'];

/**
 * The kinds git greps for, and the kinds found by path instead: those with no keyword, and those whose
 * globs name a few files (Chart.yaml, values files, kustomizations, workflows). Reading those few files
 * costs less than making git look for their short, common keywords (`tag`, `images`) in every file.
 * Either way the same raw-text check runs on every file read, so the pins found do not change.
 */
function splitByPathKinds(
  kinds: readonly PinKind[],
  everyKindEverywhere: boolean,
): { grepped: PinKind[]; byPath: PinKind[] } {
  const grepped: PinKind[] = [];
  const byPath: PinKind[] = [];
  for (const kind of kinds) {
    const matches = globMatcher(kind.filePatterns);
    const broad = everyKindEverywhere || ANY_MANIFEST.some(matches);
    (kind.keywords.length > 0 && broad ? grepped : byPath).push(kind);
  }
  // Without a grepped kind git has nothing to search for: then every keyword is given to git, as before.
  return grepped.length > 0
    ? { grepped, byPath }
    : { grepped: [...kinds], byPath: kinds.filter((k) => k.keywords.length === 0) };
}

function rereadWorkspace(root: string, paths: readonly string[], options: CandidateOptions): Candidate[] {
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
export function kindSelector(
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
      const yaml = selected.filter((kind) => kind.input === 'yaml');
      selection = {
        kinds: selected,
        ...(selected.every((kind) => kind.keywords.length > 0) ? { keywords: keywordPattern(selected) } : {}),
        ...(yaml.every((kind) => kind.keywords.length > 0)
          ? { yamlKeywords: [...new Set(yaml.flatMap((kind) => kind.keywords))] }
          : {}),
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

/** Parses a candidate: the documents that mention one of `keywords`, else all of them. */
function parseCandidate(
  candidate: Candidate,
  logger: Logger,
  keywords?: readonly string[],
): ParsedFile | null {
  const source = { path: candidate.path, text: candidate.content.toString('utf8') };
  if (keywords) {
    try {
      const partial = parseDocumentsMentioning(source, keywords);
      if (partial) return partial;
    } catch {
      // The whole-file parse below names the problem (or skips a Helm template) the same way.
    }
  }
  return parseEditableYamlFile(source, logger);
}
