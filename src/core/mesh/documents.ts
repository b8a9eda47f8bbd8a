// The repo's YAML files as documents with lines: parsed once per file, looked up by kind and name,
// and walked by field path (map keys, list indexes, or list items by `name`) to a 1-based line.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';
import { fastDocuments, type FastDocument, type ReadValues } from './yaml-values.js';

/** A step of a field path: a map key, a list index, or the list item whose `name` is this. */
export type PathStep = string | number | { name: string };

export interface SourceDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  value: unknown;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/** Every document of `text` that parsed; a broken one is left out and named in `errors`. */
export function parseDocuments(
  file: string,
  text: string,
  readValues?: ReadValues,
): { documents: SourceDocument[]; errors: string[]; firstError?: { line: number; message: string } } {
  const fast = fastDocuments(text, readValues);
  if (fast) return { documents: withLazyTrees(file, text, fast), errors: [] };
  return parseDocumentTrees(file, text);
}

/**
 * Values read fast; the syntax tree (for line lookups by field path) is parsed the first time one is
 * asked for, and then serves every document of the file. Most files are never asked.
 */
function withLazyTrees(file: string, text: string, fast: FastDocument[]): SourceDocument[] {
  let trees: Map<number, SourceDocument> | undefined;
  const tree = (index: number): SourceDocument => {
    trees ??= new Map(parseDocumentTrees(file, text).documents.map((d) => [d.index, d]));
    const found = trees.get(index);
    if (!found) throw new Error(`${file}: document ${index} has no syntax tree`);
    return found;
  };
  return fast.map(({ index, line, value }) => ({
    file,
    index,
    line,
    value,
    get document() {
      return tree(index).document;
    },
    get lineCounter() {
      return tree(index).lineCounter;
    },
  }));
}

/** How many files were parsed into syntax trees in this process (tests observe laziness through it). */
export const syntaxTrees = { count: 0 };

/** Every document with its syntax tree, through the `yaml` library. */
export function parseDocumentTrees(
  file: string,
  text: string,
): { documents: SourceDocument[]; errors: string[]; firstError?: { line: number; message: string } } {
  syntaxTrees.count++;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const list = Array.isArray(parsed) ? parsed : [];
  const documents: SourceDocument[] = [];
  const errors: string[] = [];
  let firstError: { line: number; message: string } | undefined;
  list.forEach((document, index) => {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
      const message = error.message.split('\n')[0]!;
      firstError ??= { line, message };
      errors.push(`${file}:${line}: ${message}`);
      return;
    }
    if (document.contents === null) return;
    const start = document.contents.range?.[0] ?? 0;
    documents.push({
      file,
      index,
      line: lineCounter.linePos(start).line,
      value: document.toJS({ maxAliasCount: 100 }) as unknown,
      document,
      lineCounter,
    });
  });
  return { documents, errors, ...(firstError ? { firstError } : {}) };
}

/** The node at `path` in a document, following the steps; undefined when a step is missing. */
export function nodeAtPath(source: SourceDocument, path: readonly PathStep[]): Node | undefined {
  let node: unknown = source.document.contents;
  for (const step of path) {
    if (typeof step === 'string') {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === step);
      node = pair?.value;
    } else if (typeof step === 'number') {
      if (!isSeq(node)) return undefined;
      node = node.items[step];
    } else {
      if (!isSeq(node)) return undefined;
      node = node.items.find((item) => {
        if (!isMap(item)) return false;
        const name = item.items.find((p) => isScalar(p.key) && p.key.value === 'name');
        return isScalar(name?.value) && String(name.value.value) === step.name;
      });
    }
    if (node === undefined || node === null) return undefined;
  }
  return node as Node;
}

/** The 1-based line of the node at `path`, or of the key that holds it; the document's line if absent. */
export function lineAtPath(source: SourceDocument, path: readonly PathStep[]): number | undefined {
  const node = nodeAtPath(source, path);
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : source.lineCounter.linePos(offset).line;
}

/** 1-based line of a byte offset in `text`. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `metadata.name`/`namespace`, `kind` and `apiVersion` of a Kubernetes object, when it is one. */
export function objectIdentity(
  value: unknown,
): { apiVersion: string; kind: string; name: string; namespace?: string } | undefined {
  const object = asRecord(value);
  const metadata = asRecord(object?.metadata);
  const apiVersion = asString(object?.apiVersion);
  const kind = asString(object?.kind);
  const name = asString(metadata?.name);
  if (!apiVersion || !kind || name === undefined) return undefined;
  const namespace = asString(metadata?.namespace);
  return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}
