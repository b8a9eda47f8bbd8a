// Text edits of a YAML file at its parse tree's source ranges: a list item or a scalar replaced, an
// item or a key appended to a block collection. Everything outside the edited ranges stays byte for
// byte (comments, order, quoting, line endings); new text takes the file's line ending.
import { isMap, isScalar, isSeq, stringify, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The edits applied to `text` (ranges of the original, not overlapping; inserts at one offset in order). */
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  const ordered = splices.map((s, i) => ({ s, i })).sort((a, b) => b.s.start - a.s.start || b.i - a.i);
  for (const { s } of ordered) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

export const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** `value` as block YAML whose first line starts at `column`, each line ending in `eol`. */
function block(value: unknown, column: number, eol: string): string {
  const lines = stringify(value, { lineWidth: 0 }).replace(/\n$/, '').split('\n');
  return lines.map((l, i) => (i === 0 || l === '' ? l : ' '.repeat(column) + l)).join(eol) + eol;
}

/** The text that replaces list item `item` of `seq` with `value`. */
export function replaceItem(text: string, seq: YAMLSeq, item: Node, value: unknown): Splice | undefined {
  if (!item.range) return undefined;
  const [start, end] = item.range;
  if (seq.flow) return { start, end, text: JSON.stringify(value) };
  const column = start - lineStart(text, start);
  // A block item's range runs to its line end; the last item of a file without a final newline does not.
  const eol = eolOf(text);
  const body = block(value, column, eol);
  return { start, end, text: text.slice(end - 1, end) === '\n' ? body : body.slice(0, -eol.length) };
}

/** Appends `values` to a list: after its last item in the same style. */
export function appendItems(text: string, seq: YAMLSeq, values: readonly unknown[]): Splice | undefined {
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!last?.range || values.length === 0) return undefined;
  const end = last.range[1];
  if (seq.flow) return { start: end, end, text: values.map((v) => `, ${JSON.stringify(v)}`).join('') };
  const eol = eolOf(text);
  const startOfLine = lineStart(text, last.range[0]);
  const prefix = text.slice(startOfLine, last.range[0]);
  if (!/^\s*-\s+$/.test(prefix)) return undefined;
  const lead = text.slice(end - 1, end) === '\n' ? '' : eol;
  return {
    start: end,
    end,
    text: lead + values.map((v) => prefix + block(v, prefix.length, eol)).join(''),
  };
}

/** Appends `key: value` entries to a block map, at its keys' indentation. */
export function appendEntries(
  text: string,
  map: YAMLMap,
  entries: Record<string, unknown>,
): Splice | undefined {
  const first = map.items[0]?.key as Node | undefined;
  if (map.flow || !map.range || !first?.range || Object.keys(entries).length === 0) return undefined;
  const end = map.range[1];
  const column = first.range[0] - lineStart(text, first.range[0]);
  const eol = eolOf(text);
  const lead = text.slice(end - 1, end) === '\n' ? '' : eol;
  const body = block(entries, column, eol);
  return { start: end, end, text: lead + ' '.repeat(column) + body };
}

/** A scalar's new value written in the scalar's own quoting. */
export function replaceScalar(node: Scalar, value: unknown): Splice | undefined {
  if (!node.range) return undefined;
  const [start, end] = node.range;
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  let text: string;
  if (node.type === 'QUOTE_SINGLE') text = `'${s.replace(/'/g, "''")}'`;
  else if (node.type === 'QUOTE_DOUBLE') text = JSON.stringify(s);
  else {
    text = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
    if (text.includes('\n')) text = JSON.stringify(s);
  }
  return { start, end, text };
}

export const asSeq = (node: unknown): YAMLSeq | undefined => (isSeq(node) ? node : undefined);
export const asMap = (node: unknown): YAMLMap | undefined => (isMap(node) ? node : undefined);
export const asScalar = (node: unknown): Scalar | undefined => (isScalar(node) ? node : undefined);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (node: unknown, value: unknown) =>
  JSON.stringify((node as { toJSON?: () => unknown })?.toJSON?.() ?? node) === JSON.stringify(value);

/**
 * The smallest edits that make `node` say `value`: changed scalars rewritten in their own quoting,
 * new keys and trailing list items appended. Undefined when that cannot be done in place (a key
 * removed, a list shortened, a scalar turned into a collection, flow style): the caller then
 * replaces the whole node.
 */
export function updateNode(text: string, node: unknown, value: unknown): Splice[] | undefined {
  if (same(node, value)) return [];
  const scalar = asScalar(node);
  if (scalar)
    return typeof value === 'object' && value !== null ? undefined : optional(replaceScalar(scalar, value));
  const map = asMap(node);
  if (map && !map.flow && isPlainObject(value)) {
    const splices: Splice[] = [];
    const keys = new Set<string>();
    for (const pair of map.items) {
      const key = String(asScalar(pair.key)?.value);
      keys.add(key);
      if (!(key in value)) return undefined;
      const inner = updateNode(text, pair.value, value[key]);
      if (!inner) return undefined;
      splices.push(...inner);
    }
    const added = Object.fromEntries(Object.entries(value).filter(([k]) => !keys.has(k)));
    if (Object.keys(added).length === 0) return splices;
    const edit = appendEntries(text, map, added);
    return edit ? [...splices, edit] : undefined;
  }
  const seq = asSeq(node);
  if (seq && !seq.flow && Array.isArray(value) && value.length >= seq.items.length) {
    const splices: Splice[] = [];
    for (const [i, item] of seq.items.entries()) {
      const inner =
        updateNode(text, item, value[i]) ?? optional(replaceItem(text, seq, item as Node, value[i]));
      if (!inner) return undefined;
      splices.push(...inner);
    }
    if (value.length === seq.items.length) return splices;
    const edit = appendItems(text, seq, value.slice(seq.items.length));
    return edit ? [...splices, edit] : undefined;
  }
  return undefined;
}

const optional = (splice: Splice | undefined): Splice[] | undefined => (splice ? [splice] : undefined);
