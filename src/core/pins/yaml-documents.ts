// Parsing a file's YAML documents once, walking them by key, and turning a scalar's exact source
// range into a pin, so every kind edits the same way: the version digits and nothing else.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node, Scalar, YAMLMap } from 'yaml';
import { FileFormatError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseIstioVersion } from '../versions/parse.js';
import { assertBoundedAliases } from '../workspace/yaml-limits.js';
import type { PinKindName } from './index.js';
import type { Pin, PinQuote, PinRole, SourceText } from './types.js';

export interface ParsedFile extends SourceText {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

const ANCHOR = /(?:^|[\s[{,:-])&[^\s,[\]{}]/m;
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,[\]{}]/m;

/** Parses every document in a file; broken YAML is an error naming file:line. */
export function parseYamlFile(source: SourceText): ParsedFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(source.text, { lineCounter, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [];
  // Only a file with both an anchor and an alias can expand; most files have neither.
  const hasAliases = ANCHOR.test(source.text) && ALIAS.test(source.text);
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
      throw new FileFormatError(`broken YAML: ${error.message.split('\n')[0]}`, {
        file: source.path,
        line,
        hint: 'Fix the YAML (or exclude the file with the paths input); nothing was written.',
      });
    }
    // Walkers below follow aliases; a bomb must fail here, in linear time, before any of them runs.
    if (hasAliases) assertBoundedAliases(document, source.path, (offset) => lineCounter.linePos(offset).line);
  }
  return { ...source, documents: list, lineCounter };
}

/**
 * parseYamlFile for a file a kind may edit: a Helm chart template (Go template, not YAML) holds
 * nothing we could edit safely, so it is skipped with a notice; other broken YAML is an error.
 */
export function parseEditableYamlFile(source: SourceText, logger: Logger): ParsedFile | null {
  try {
    return parseYamlFile(source);
  } catch (error) {
    if (error instanceof FileFormatError && source.text.includes('{{')) {
      logger.notice(`skipped ${source.path}: a template that is not plain YAML`, { file: source.path });
      return null;
    }
    throw error;
  }
}

/** Follows aliases so `*anchor` leads to the anchored node (whose range is the one to edit). */
export function resolveNode(document: Document, node: unknown): Node | undefined {
  if (isAlias(node)) return resolveNode(document, node.resolve(document));
  return (node ?? undefined) as Node | undefined;
}

/** The value node at `keys` under `node` (maps only), or undefined. */
export function nodeAt(document: Document, node: unknown, ...keys: string[]): Node | undefined {
  let current = resolveNode(document, node);
  for (const key of keys) {
    if (!isMap(current)) return undefined;
    current = resolveNode(document, mapValue(document, current, key));
  }
  return current;
}

/** A key's value; a YAML merge key (`<<: *base`, or a list of them) is followed when the map lacks the key. */
function mapValue(document: Document, map: YAMLMap, key: string, depth = 0): unknown {
  let merged: unknown;
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (String(k) === key) return pair.value;
    if (k === '<<' && merged === undefined) merged = pair.value;
  }
  if (merged === undefined || depth > 8) return undefined;
  const sources = isSeq(merged) ? merged.items : [merged];
  for (const source of sources) {
    const base = resolveNode(document, source);
    if (!isMap(base)) continue;
    const found = mapValue(document, base, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function stringAt(document: Document, node: unknown, ...keys: string[]): string | undefined {
  const found = nodeAt(document, node, ...keys);
  return isScalar(found) && found.value !== null ? String(found.value) : undefined;
}

export function itemsAt(document: Document, node: unknown, ...keys: string[]): Node[] {
  const found = nodeAt(document, node, ...keys);
  if (!isSeq(found)) return [];
  return found.items.map((item) => resolveNode(document, item)).filter((n): n is Node => n !== undefined);
}

/** A scalar's text exactly as it sits in the file, between any quotes. */
export function scalarSource(
  file: SourceText,
  scalar: Scalar,
): { text: string; offset: number; quote: PinQuote } | undefined {
  const range = scalar.range;
  if (!range) return undefined;
  const raw = file.text.slice(range[0], range[1]);
  switch (scalar.type) {
    case 'PLAIN':
      return { text: raw, offset: range[0], quote: 'none' };
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE': {
      const inner = raw.slice(1, -1);
      // Escapes would make source offsets differ from the value's; such scalars are not pins we edit.
      if (inner !== String(scalar.value)) return undefined;
      return {
        text: inner,
        offset: range[0] + 1,
        quote: scalar.type === 'QUOTE_DOUBLE' ? 'double' : 'single',
      };
    }
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL': {
      // `version: >-` then the version on its own line: the digits sit once in the block's text.
      const value = String(scalar.value).trim();
      const at = raw.indexOf(value);
      if (value === '' || /\s/.test(value) || at === -1 || raw.indexOf(value, at + 1) !== -1)
        return undefined;
      return { text: value, offset: range[0] + at, quote: 'none' };
    }
    default:
      return undefined;
  }
}

// A variant suffix (`-distroless`) may follow image tags such as IstioOperator's spec.tag.
const VERSION_TEXT = /^(v?)(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)(?:-distroless|-debug)?$/;

export interface PinMeta {
  kind: PinKindName;
  role: PinRole;
  location: string;
  revision?: string;
}

/** A pin for a scalar whose whole text is a version (`1.24.2`, `v1.24.2`, `"1.24.2"`). */
export function versionScalarPin(file: ParsedFile, node: unknown, meta: PinMeta): Pin | undefined {
  if (!isScalar(node)) return undefined;
  const source = scalarSource(file, node);
  if (!source) return undefined;
  const match = VERSION_TEXT.exec(source.text);
  if (!match) return undefined;
  const prefix = match[1] ?? '';
  return pinAt(file, source.offset + prefix.length, match[2]!, {
    ...meta,
    value: source.text,
    quote: source.quote,
    vPrefixed: prefix === 'v',
  });
}

export interface PinPlacement extends PinMeta {
  value: string;
  quote: PinQuote;
  vPrefixed: boolean;
  digest?: string;
}

/** Builds a pin for the version digits found at `start` in the file's text. */
export function pinAt(
  file: SourceText & { lineCounter?: LineCounter },
  start: number,
  versionText: string,
  placement: PinPlacement,
): Pin | undefined {
  const parsed = parseIstioVersion(versionText);
  if (!parsed) return undefined;
  const { line, col } = file.lineCounter ? file.lineCounter.linePos(start) : linePosition(file.text, start);
  const pin: Pin = {
    file: file.path,
    line,
    column: col,
    kind: placement.kind,
    value: placement.value,
    version: parsed.version,
    format: placement.vPrefixed ? 'v-prefixed' : 'plain',
    quote: placement.quote,
    role: placement.role,
    location: placement.location,
    start,
    end: start + versionText.length,
  };
  if (placement.revision) pin.revision = placement.revision;
  if (placement.digest) pin.digest = placement.digest;
  return pin;
}

/** 1-based line and column of an offset, for kinds that read text without a YAML parse. */
export function linePosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** The first `istio.io/rev` label or annotation anywhere in a document, e.g. on a pod template. */
export function revisionLabelIn(document: Document): string | undefined {
  let found: string | undefined;
  // An aliased block is walked once, however often it is referenced (parseYamlFile bounds the rest).
  const walked = new Set<unknown>();
  const walk = (node: unknown, depth: number): void => {
    if (found !== undefined || depth > 12) return;
    const resolved = resolveNode(document, node);
    if (walked.has(resolved)) return;
    walked.add(resolved);
    if (isMap(resolved)) {
      for (const pair of resolved.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const value = resolveNode(document, pair.value);
        if (key === 'istio.io/rev' && isScalar(value) && value.value !== null) {
          found = String(value.value);
          return;
        }
        walk(value, depth + 1);
      }
    } else if (isSeq(resolved)) {
      for (const item of resolved.items) walk(item, depth + 1);
    }
  };
  walk(document.contents, 0);
  return found;
}

/** `kind` of a Kubernetes document, and its apiVersion group. */
export function resourceKind(document: Document): { kind?: string; apiVersion?: string; name?: string } {
  return {
    kind: stringAt(document, document.contents, 'kind'),
    apiVersion: stringAt(document, document.contents, 'apiVersion'),
    name: stringAt(document, document.contents, 'metadata', 'name'),
  };
}
