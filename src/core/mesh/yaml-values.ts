// A fast reader for YAML that is only read, never edited: js-yaml's loader (about ten times faster
// than the `yaml` library's composer, and it builds no syntax tree). Every caller falls back to the
// `yaml` library when the text has anything where the two could differ (anchors, tags, directives,
// explicit document ends, content on a `---` line) or when js-yaml refuses it, so both readers agree
// on everything this one answers. Byte-exact edits and line lookups keep using `yaml` (ADR 0013).
import { CORE_SCHEMA, load } from 'js-yaml';

/** Anchors and tags (aliases need an anchor), directives and `...` ends: left to the `yaml` library. */
// `(?:^|[\s[{,])[&!]\S` written as two alternatives: a quarter faster over large texts, same matches.
const UNUSUAL = /[\s[{,][&!]\S|^[&!]\S|^%|^\.\.\.[ \t]*(?:#.*)?$|^---[ \t]*[^\s#]/m;
const SEPARATOR = /^---[ \t]*(?:#.*)?$/m;
const CONTENT_LINE = /^[ \t]*[^\s#]/m;

/** YAML 1.1 words that YAML 1.2 reads as strings, in block or flow collections: left to `yaml` 1.1. */
const YAML11_WORD =
  /(?:(?::|^[ \t]*-)[ \t]+|[[{,][ \t]*)(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)[ \t]*(?:$|[#,\]}])/m;
/**
 * A plain value starting like a number. Both readers agree on plain decimals, and on strings with a
 * letter that no number or 1.1 timestamp has (`100m`, `40Mi`); anything else is left to `yaml` 1.1.
 */
const NUMBER_LIKE = /(?::[ \t]+|^[ \t]*-[ \t]+|[[{,][ \t]*)([-+]?\.?[0-9][^\s#,\]}]*)/gm;
const PLAIN_DECIMAL = /^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
/** js-yaml reads `0b101` as a number in its core schema; the `yaml` library does not. */
const BINARY = /(?:^|[\s[{,:])[-+]?0b[01]/m;

const NOT_A_NUMBER = /[g-np-wyzG-NP-WYZ]/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

function numbersAgree(text: string): boolean {
  for (const m of text.matchAll(NUMBER_LIKE)) {
    const token = m[1]!;
    if (PLAIN_DECIMAL.test(token)) continue;
    if (!NOT_A_NUMBER.test(token) || TIMESTAMP.test(token)) return false;
  }
  return true;
}

export interface FastDocument {
  /** 0-based position of the document in its text. */
  index: number;
  /** 1-based line where its content starts. */
  line: number;
  value: unknown;
}

/**
 * The documents of a file as YAML 1.2 (core schema) values, each with its position and first content
 * line; documents without content are left out, as the `yaml` library leaves out null contents.
 * Undefined when the text needs the `yaml` library (see above) or does not load.
 */
export function fastDocuments(text: string, readValues?: ReadValues): FastDocument[] | undefined {
  if (UNUSUAL.test(text) || BINARY.test(text)) return undefined;
  const pieces: { text: string; line: number }[] = [];
  let rest = text;
  let line = 1;
  for (let m = SEPARATOR.exec(rest); m; m = SEPARATOR.exec(rest)) {
    const before = rest.slice(0, m.index);
    pieces.push({ text: before, line });
    line += countLines(before) + 1;
    // Past the separator's line ending, `\r\n` as well as `\n` (`$` stops before either).
    let end = m.index + m[0].length;
    if (rest[end] === '\r') end++;
    if (rest[end] === '\n') end++;
    rest = rest.slice(end);
  }
  pieces.push({ text: rest, line });
  // Comments and blank lines before the first `---` are not a document of their own.
  if (pieces.length > 1 && !CONTENT_LINE.test(pieces[0]!.text)) pieces.shift();
  const documents: FastDocument[] = [];
  try {
    pieces.forEach((piece, index) => {
      const content = CONTENT_LINE.exec(piece.text);
      if (!content) return;
      // The mesh model keeps these values for the run: without js-yaml's copy of the text.
      // A value taken from ReadValues owns its strings already.
      const kept = readValues?.take(piece.text);
      const value = kept !== undefined ? kept : ownStrings(loadValue(piece.text));
      const offset = content.index + content[0].length - 1;
      documents.push({ index, line: piece.line + countLines(piece.text.slice(0, offset)), value });
    });
  } catch {
    return undefined;
  }
  return documents;
}

/**
 * Whether one document's text reads the same through the fast reader, as YAML 1.2, and as Kubernetes
 * reads it (YAML 1.1): the fast reader's value of it (`fastManifest`, or the same document read by
 * `fastDocuments` within its file) is then the document's value for a read-only caller.
 */
export function readsAlikeAsYaml11(body: string): boolean {
  return !UNUSUAL.test(body) && !SEPARATOR.test(body) && !YAML11_WORD.test(body) && numbersAgree(body);
}

/** How many documents a model took from ReadValues in this process (tests observe the reuse). */
export const readValuesTaken = { count: 0 };

/** Blank and comment lines before a document's content (nothing before content can be a scalar's). */
const LEADING_COMMENTS = /^(?:[ \t]*(?:#[^\n]*)?\n)*/;

/**
 * Documents a caller has already read with this module's reader (`fastManifest`), by their exact
 * text: the same text read again gives the same value, so a model built over files the caller has
 * just written takes these instead. Each is taken once (a value then belongs to one document).
 */
export class ReadValues {
  readonly #values = new Map<string, unknown>();

  /** Keeps the value `fastManifest` gave for `text`, copied free of its text (ownStrings). */
  keep(text: string, value: unknown): void {
    this.#values.set(text, ownStrings(value));
  }

  /**
   * The value kept for `text`, or for `text` without the comment and blank lines before its content
   * (a file keeps those around a document it rewrote; they carry no value), once.
   */
  take(text: string): unknown {
    if (this.#values.size === 0) return undefined;
    const key = this.#values.has(text) ? text : text.slice(LEADING_COMMENTS.exec(text)![0].length);
    const value = this.#values.get(key);
    if (value === undefined) return undefined;
    this.#values.delete(key);
    readValuesTaken.count++;
    return value;
  }
}

/**
 * One document read as Kubernetes reads it (YAML 1.1), for read-only callers; undefined when the text
 * holds a plain scalar that YAML 1.1 reads otherwise than 1.2, or anything `fastDocuments` declines.
 */
export function fastManifest(body: string): { value: unknown } | undefined {
  if (!readsAlikeAsYaml11(body)) return undefined;
  try {
    return { value: loadValue(body) };
  } catch {
    return undefined;
  }
}

/**
 * `value` holding on to nothing else. js-yaml reads from its own copy of the text, and each string
 * it returns of 13 characters or more is a slice of that copy: one such string kept for the run keeps
 * the whole copy (a document's size) alive. The copy made here is of the string alone.
 */
export function ownString<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.length >= 13 ? (' ' + value).slice(1) : value) as T;
}

/** `value` with every string owned (`ownString`), changed in place: for values kept for the run. */
function ownStrings(value: unknown): unknown {
  if (typeof value === 'string') return ownString(value);
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) value[i] = ownStrings(value[i]);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item !== 'string') ownStrings(item);
      // A key named `__proto__` is an own property here (js-yaml defines it); assigning to it would
      // set the object's prototype instead, so it is redefined.
      else if (key === '__proto__')
        Object.defineProperty(record, key, {
          value: ownString(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else record[key] = ownString(item);
    }
  }
  return value;
}

function loadValue(text: string): unknown {
  // json: a repeated key keeps its last value, as the `yaml` library does with uniqueKeys off.
  return load(text, { schema: CORE_SCHEMA, json: true }) ?? null;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
