// The contract every pin kind folder fulfils (Renovate's manager shape): metadata and extract; update
// only where replacing the version digits (the generic auto-replace, formatVersion) is not enough.
import type { Logger } from '../logger.js';
import type { ParsedFile } from './yaml-documents.js';
import type { Pin, PinKindName, SourceText } from './types.js';

export interface KindFileResult {
  pins: Pin[];
  /** Cross-file facts (Flux substitutions) that only `link` can turn into pins. */
  facts?: unknown[];
}

/** Finds other files of the workspace by raw text, parsed on demand (for Flux ConfigMaps). */
export interface DocumentLookup {
  filesContaining(...keywords: string[]): ParsedFile[];
  logger: Logger;
}

interface PinKindBase {
  name: PinKindName;
  /** Files the kind looks at by default (picomatch globs relative to the workspace). */
  filePatterns: string[];
  /** Raw-text pre-filter: a file is parsed for this kind only when one of these occurs. Empty: always. */
  keywords: string[];
  /** The text that replaces a pin's version digits to pin `target`; default formatVersion. */
  update?(pin: Pin, target: string): string;
}

export interface YamlPinKind extends PinKindBase {
  input: 'yaml';
  extract(file: ParsedFile): KindFileResult;
  link?(facts: unknown[], lookup: DocumentLookup): Pin[];
}

export interface TextPinKind extends PinKindBase {
  input: 'text';
  extract(file: SourceText): Pin[];
}

export type PinKind = YamlPinKind | TextPinKind;

/** The new version written the way the old one was: `v` kept, the digits only (quotes stay untouched). */
export function formatVersion(_pin: Pin, target: string): string {
  // The pin's range covers the digits after any `v`, so the prefix in the file is kept as is.
  return target.replace(/^v/, '');
}
