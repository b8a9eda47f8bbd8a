// The pin engine: find every pin in a set of files or a workspace, plan the edits that move them to
// a target version, and splice exactly the version bytes of each one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parseAllDocuments } from 'yaml';
import { FileFormatError, InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { compareVersions, parseIstioVersion } from '../versions/parse.js';
import type { AtomicWriteOptions } from '../workspace/atomic.js';
import { writeFilesAtomically } from '../workspace/atomic.js';
import {
  listWorkspaceFiles,
  noticeSkipped,
  readWorkspaceFile,
  resolveInsideWorkspace,
} from '../workspace/files.js';
import { PIN_KINDS } from './index.js';
import type { DocumentLookup, PinKind, YamlPinKind } from './kind.js';
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

/** Every pin in the files (or the workspace's files matching `paths`), sorted by file and position. */
export function extractPins(input: ExtractInput, options: ExtractOptions = {}): ExtractResult {
  const logger = options.logger ?? silentLogger;
  const kinds = options.kinds ?? PIN_KINDS;
  const candidates = 'files' in input ? input.files.map(fromSource) : readCandidates(input, options, logger);
  const matchers = kinds.map((kind) =>
    options.ignoreFilePatterns ? () => true : picomatch(kind.filePatterns, { dot: true }),
  );
  const parsed = new Map<string, ParsedFile | null>();
  const parse = (candidate: Candidate): ParsedFile | null => {
    if (!parsed.has(candidate.path)) parsed.set(candidate.path, parseCandidate(candidate, logger));
    return parsed.get(candidate.path) ?? null;
  };

  // One pass over each file's raw bytes decides whether any kind needs it parsed at all.
  const anyKeyword = keywordPattern(kinds);
  const pins: Pin[] = [];
  const facts = new Map<YamlPinKind, unknown[]>();
  for (const candidate of candidates) {
    const applicable = kinds.filter((_, index) => matchers[index]!(candidate.path));
    if (applicable.length === 0) continue;
    const needsKeyword = applicable.every((kind) => kind.keywords.length > 0);
    if (needsKeyword && !anyKeyword.test(candidate.content.toString('latin1'))) continue;
    applicable.forEach((kind) => {
      if (!mentionsAny(candidate.content, kind.keywords)) return;
      if (kind.input === 'text') {
        pins.push(...kind.extract({ path: candidate.path, text: candidate.content.toString('utf8') }));
        return;
      }
      const file = parse(candidate);
      if (!file) return;
      const result = kind.extract(file);
      pins.push(...result.pins);
      if (result.facts?.length) facts.set(kind, [...(facts.get(kind) ?? []), ...result.facts]);
    });
  }

  const lookup: DocumentLookup = {
    logger,
    filesContaining: (...keywords) =>
      candidates
        .filter((c) => keywords.every((k) => c.content.includes(k)))
        .map(parse)
        .filter((f): f is ParsedFile => f !== null),
  };
  for (const [kind, kindFacts] of facts) pins.push(...(kind.link?.(kindFacts, lookup) ?? []));
  return { pins: uniquePins(pins), scannedFiles: candidates.length, parsedFiles: parsed.size };
}

function fromSource(source: SourceText): Candidate {
  return { path: source.path, content: Buffer.from(source.text, 'utf8') };
}

function readCandidates(
  input: { root: string; paths?: readonly string[] },
  options: ExtractOptions,
  logger: Logger,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const path of listWorkspaceFiles(input.root, { patterns: input.paths ?? [], logger })) {
    const result = readWorkspaceFile(input.root, path, options.maxFileBytes);
    if (result.status === 'ok') candidates.push({ path, content: result.content });
    else noticeSkipped(result, logger);
  }
  return candidates;
}

/** Every kind's keywords as one regex, so most files are rejected in a single scan. */
function keywordPattern(kinds: readonly PinKind[]): RegExp {
  const escaped = kinds.flatMap((kind) => kind.keywords).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp([...new Set(escaped)].join('|'));
}

/** The cheap pre-filter: raw bytes are searched before any YAML is parsed. */
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
  /** Known Istio releases; when given, a target outside it is refused unless allowUnreleased. */
  knownReleases?: readonly string[];
  allowUnreleased?: boolean;
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

/** Plans the edits that move the selected role's pins to `target`; refuses what cannot be done safely. */
export function planPinUpdates(pins: readonly Pin[], target: string, options: PlanOptions = {}): PinPlan {
  const logger = options.logger ?? silentLogger;
  const role = options.role ?? 'control-plane';
  const version = checkTarget(target, options, logger);
  const kinds = options.kinds ?? PIN_KINDS;
  const plan: PinPlan = { target: version, edits: [], unchanged: [], skipped: [], releaseChecked: false };
  plan.releaseChecked = options.knownReleases !== undefined && options.knownReleases.length > 0;
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
      plan.edits.push({ pin, replacement: kind.update(pin, version), target: version });
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

function checkTarget(target: string, options: PlanOptions, logger: Logger): string {
  const parsed = parseIstioVersion(target);
  if (!parsed) {
    throw new InvalidInputError(`'${target}' is not an Istio version`, {
      input: 'version',
      hint: 'Give an exact release such as 1.24.2 (a leading v is accepted).',
    });
  }
  const known = options.knownReleases ?? [];
  if (known.length === 0) {
    logger.notice(`no release list was given, so ${parsed.version} was not checked against Istio's releases`);
  } else if (!known.includes(parsed.version)) {
    if (!options.allowUnreleased) {
      throw new InvalidInputError(`${parsed.version} is not a known Istio release`, {
        input: 'version',
        hint: 'Check the version, or set allow-unreleased: true to pin a build that is not a published release.',
      });
    }
    logger.warning(
      `${parsed.version} is not a known Istio release; pinning it because allow-unreleased is set`,
    );
  }
  return parsed.version;
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

/** Reads workspace-relative files for renderPinUpdates in tests and tools. */
export function workspaceReader(root: string): (path: string) => Buffer {
  return (path) => readFileSync(join(root, path));
}
