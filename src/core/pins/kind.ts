// The contract every pin kind folder fulfils (Renovate's manager shape): metadata and extract. The update
// is the generic auto-replace (formatVersion) for every kind: pins point at the version digits.
import type { Logger } from '../logger.js';
import type { ParsedFile } from './yaml-documents.js';
import type { PinKindName } from './index.js';
import type { Pin, SourceText } from './types.js';

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

/** `N` is the kind's own name, so the registry's list of kinds is the list of names (PinKindName). */
interface PinKindBase<N extends string> {
  name: N;
  /** Files the kind looks at by default (picomatch globs relative to the workspace). */
  filePatterns: string[];
  /** Raw-text pre-filter: a file is parsed for this kind only when one of these occurs. Empty: always. */
  keywords: string[];
}

export interface YamlPinKind<N extends string = PinKindName> extends PinKindBase<N> {
  input: 'yaml';
  extract(file: ParsedFile): KindFileResult;
  link?(facts: unknown[], lookup: DocumentLookup): Pin[];
}

export interface TextPinKind<N extends string = PinKindName> extends PinKindBase<N> {
  input: 'text';
  extract(file: SourceText): Pin[];
}

export type PinKind = YamlPinKind | TextPinKind;

/** The new version written the way the old one was: `v` kept, the digits only (quotes stay untouched). */
export function formatVersion(target: string): string {
  // The pin's range covers the digits after any `v`, so the prefix in the file is kept as is.
  return target.replace(/^v/, '');
}
