// The pin engine: find every pin in a set of files or a workspace, plan the edits that move them to
// a target version, and splice exactly the version bytes of each one.
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { ReleaseTarget } from '../releases/release-target.js';
import { compareVersions } from '../versions/parse.js';
import {
  candidateParsers,
  kindSelector,
  pinCollector,
  scanCandidates,
  type CandidateOptions,
} from './candidates.js';
import { PIN_KINDS } from './index.js';
import { uniqueByPosition, type Splice } from './splice.js';
import { formatVersion, type DocumentLookup } from './kind.js';
import type { Pin, PinEdit, RoleSelection, SourceText } from './types.js';
import type { ParsedFile } from './yaml-documents.js';

export type ExtractInput = { files: readonly SourceText[] } | { root: string; paths?: readonly string[] };

export interface ExtractOptions extends CandidateOptions {
  logger?: Logger;
}

export interface ExtractResult {
  pins: Pin[];
  /** Files listed, and files that passed the raw-text pre-filter and were parsed. */
  scannedFiles: number;
  parsedFiles: number;
}

/** Every pin in the files (or the workspace's files matching `paths`), sorted by file and position. */
export function extractPins(input: ExtractInput, options: ExtractOptions = {}): ExtractResult {
  const logger = options.logger ?? silentLogger;
  const kindsFor = kindSelector(options.kinds ?? PIN_KINDS, options.ignoreFilePatterns ?? false);
  const parse = candidateParsers(options, logger);
  const found = pinCollector(kindsFor, parse);
  const { scannedFiles, everyFile } = scanCandidates(input, options, logger, kindsFor, found.visit);
  const lookup: DocumentLookup = {
    logger,
    filesContaining: (...keywords) =>
      everyFile()
        .filter((c) => keywords.every((k) => c.content.includes(k)))
        .map(parse.whole)
        .filter((f): f is ParsedFile => f !== null),
  };
  const pins = [...found.pins];
  for (const [kind, kindFacts] of found.facts) pins.push(...(kind.link?.(kindFacts, lookup) ?? []));
  return { pins: uniqueByPosition(pins), scannedFiles, parsedFiles: parse.count() };
}

export interface PlanOptions {
  role?: RoleSelection;
  logger?: Logger;
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
      plan.edits.push({ pin, replacement: formatVersion(version), target: version });
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

/** A pin edit as a splice: exactly the version digits, checked against what was read. */
export function pinSplice(edit: PinEdit): Splice {
  const { pin } = edit;
  return {
    file: pin.file,
    start: pin.start,
    end: pin.end,
    expected: pin.version,
    replacement: edit.replacement,
    line: pin.line,
    column: pin.column,
  };
}
