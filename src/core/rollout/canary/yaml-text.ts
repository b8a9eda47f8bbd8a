// Byte-minimal edits of block YAML for the canary steps: find one object's document in a file, then
// insert a map entry, drop a list item or a key, or replace a scalar, touching only those lines.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { FileFormatError } from '../../errors.js';

/** A replacement of `text.slice(start, end)`. */
export interface TextEdit {
  start: number;
  end: number;
  replacement: string;
}

export interface LocatedDocument {
  document: Document;
  /** Offsets of the document's text in the file, from its first line to the start of the next. */
  start: number;
  end: number;
}

/** The documents of a file with their text ranges (comments before a document belong to it). */
export function documentsOf(text: string, file: string): LocatedDocument[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  const out: LocatedDocument[] = [];
  let start = 0;
  documents.forEach((document, index) => {
    const error = document.errors[0];
    if (error)
      throw new FileFormatError(`not valid YAML: ${error.message.split('\n')[0]}`, {
        file,
        line: error.linePos?.[0]?.line,
      });
    const next = documents[index + 1];
    const end = next ? lineStartOf(text, next.range[0]) : text.length;
    out.push({ document, start, end });
    start = end;
  });
  return out;
}

/** The document holding `kind` named `name`, or undefined. */
export function findObject(
  text: string,
  file: string,
  kind: string,
  name: string,
): LocatedDocument | undefined {
  return documentsOf(text, file).find((d) => {
    const js = d.document.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    return js?.kind === kind && js.metadata?.name === name;
  });
}

export function nodeAt(document: Document, path: readonly (string | number)[]): Node | undefined {
  const node = document.getIn(path, true);
  return node && typeof node === 'object' ? (node as Node) : undefined;
}

/** Offset of the first character of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the newline ending the line holding `offset` (or the end of the text). */
export function lineEndOf(text: string, offset: number): number {
  const at = text.indexOf('\n', offset);
  return at < 0 ? text.length : at + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function unsupported(file: string, text: string, offset: number, what: string): never {
  throw new FileFormatError(`cannot edit ${what} here: only block-style YAML is edited`, {
    file,
    line: lineOf(text, offset),
    hint: 'Write the map or list in block style (one entry per line), or make this change by hand.',
  });
}

/**
 * Adds `key: <value lines>` as the last entry of the block map at `path` (created under its parent
 * when absent). `value` is YAML text: a scalar (`1-31-0`) or lines (`\n- prod-stable`).
 */
export function insertMapEntry(
  text: string,
  file: string,
  located: LocatedDocument,
  path: readonly (string | number)[],
  key: string,
  value: string,
): TextEdit {
  const map = nodeAt(located.document, path);
  if (!map) {
    if (path.length === 0) unsupported(file, text, located.start, 'an empty document');
    const parentPath = path.slice(0, -1);
    const nested = value.startsWith('\n') ? `\n${key}:${indentLines(value, 2)}` : `\n${key}: ${value}`;
    return insertMapEntry(text, file, located, parentPath, String(path[path.length - 1]), nested);
  }
  if (!isMap(map) || map.flow || map.items.length === 0 || !map.range)
    return unsupported(file, text, map.range?.[0] ?? located.start, `the map ${path.join('.')}`);
  const first = map.items[0]!;
  const firstKey = isPair(first) && first.key && isScalar(first.key) ? first.key : undefined;
  if (!firstKey?.range) return unsupported(file, text, map.range[0], `the map ${path.join('.')}`);
  const indent = ' '.repeat(column(text, firstKey.range[0]));
  // The map's value ends at range[1]; insert after the line its last value ends on.
  const last = map.items[map.items.length - 1]!;
  const lastNode = (isPair(last) ? (last.value ?? last.key) : last) as Node | null;
  const endOffset = lastNode?.range?.[1] ?? map.range[1];
  const at = lineEndOf(text, Math.max(endOffset - 1, 0));
  // Nested lines sit two columns in from the key (`key:` then `  - item`), the common block style.
  const body = value.startsWith('\n')
    ? `${key}:${indentLines(value, indent.length + 2)}`
    : `${key}: ${value}`;
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { start: at, end: at, replacement: `${prefix}${indent}${body}\n` };
}

function indentLines(value: string, by: number): string {
  const pad = ' '.repeat(by);
  return value
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : `${pad}${line}`))
    .join('\n');
}

/** Removes the entry `key` (and its value lines) from the block map at `path`. */
export function removeMapEntry(
  text: string,
  file: string,
  located: LocatedDocument,
  path: readonly (string | number)[],
  key: string,
): TextEdit | undefined {
  const map = nodeAt(located.document, path);
  if (!map || !isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (!pair) return undefined;
  if (map.flow) return unsupported(file, text, map.range?.[0] ?? located.start, `the map ${path.join('.')}`);
  const keyNode = pair.key as Node;
  const valueNode = pair.value as Node | null;
  const start = lineStartOf(text, keyNode.range![0]);
  const end = lineEndOf(text, Math.max((valueNode?.range?.[1] ?? keyNode.range![1]) - 1, keyNode.range![0]));
  return { start, end, replacement: '' };
}

/** Removes the list item equal to `item` from the block list at `path` (the key too when it empties). */
export function removeListItem(
  text: string,
  file: string,
  located: LocatedDocument,
  path: readonly (string | number)[],
  item: string,
): TextEdit | undefined {
  const seq = nodeAt(located.document, path);
  if (!seq || !isSeq(seq)) return undefined;
  const index = seq.items.findIndex((n) => isScalar(n) && String(n.value) === item);
  if (index < 0) return undefined;
  if (seq.items.length === 1)
    return removeMapEntry(text, file, located, path.slice(0, -1), String(path[path.length - 1]));
  if (seq.flow) return unsupported(file, text, seq.range?.[0] ?? located.start, `the list ${path.join('.')}`);
  const node = seq.items[index] as Node;
  return {
    start: lineStartOf(text, node.range![0]),
    end: lineEndOf(text, Math.max(node.range![1] - 1, node.range![0])),
    replacement: '',
  };
}

/** Replaces the scalar at `path` with `value`, keeping its quoting. */
export function replaceScalar(
  text: string,
  file: string,
  located: LocatedDocument,
  path: readonly (string | number)[],
  value: string,
): TextEdit | undefined {
  const node = nodeAt(located.document, path);
  if (!node || !isScalar(node) || !node.range) return undefined;
  const written = text.slice(node.range[0], node.range[1]);
  if (String(node.value) === value) return undefined;
  if (written.startsWith('|') || written.startsWith('>'))
    return unsupported(file, text, node.range[0], 'a block scalar');
  const quote = written.startsWith('"') ? '"' : written.startsWith("'") ? "'" : '';
  return { start: node.range[0], end: node.range[1], replacement: `${quote}${value}${quote}` };
}

/** Applies non-overlapping edits; throws when two overlap. */
export function applyTextEdits(text: string, file: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let floor = Infinity;
  for (const edit of sorted) {
    if (edit.end > floor)
      throw new FileFormatError('two canary edits overlap', {
        file,
        line: lineOf(text, edit.start),
        hint: 'Nothing was written. Please report this file layout.',
      });
    out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
    floor = edit.start;
  }
  return out;
}
