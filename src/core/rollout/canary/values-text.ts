// Argo CD `helm.values` given as a string: YAML inside a literal block scalar (`values: |`). The
// canary steps read it as a values map and edit it byte for byte like any other, then put each line
// back with the block's own indentation, so the block style and every untouched line stay as written.
import { isScalar, parse } from 'yaml';
import { FileFormatError } from '../../errors.js';
import { asRecord } from '../../mesh/documents.js';
import type { RenderedObject } from '../../mesh/types.js';
import { valueAt, type ReleaseShape } from './shape.js';
import { lineEndOf, nodeAt, type LocatedDocument } from './yaml-text.js';

/** The inline values of an install: its values map, or its values string parsed. */
export function inlineValues(object: RenderedObject, shape: ReleaseShape): Record<string, unknown> {
  if (!shape.valuesText) return asRecord(valueAt(object, shape.valuesPath)) ?? {};
  const text = valueAt(object, shape.valuesText);
  try {
    return asRecord(typeof text === 'string' ? parse(text) : undefined) ?? {};
  } catch {
    return {};
  }
}

export function inlineValue(object: RenderedObject, shape: ReleaseShape, key: string): unknown {
  return inlineValues(object, shape)[key];
}

/** Where a literal block's content sits in the file, and the YAML it holds. */
export interface ValuesBlock {
  start: number;
  end: number;
  indent: string;
  inner: string;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** The block's lines as written: each non-empty line of `inner` indented by `indent`. */
export function encodeBlock(inner: string, indent: string): string {
  return inner
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n');
}

/**
 * The literal block scalar at `path`. Refused, naming the line, when it is not a `|` block whose
 * lines re-encode byte for byte (a folded `>` block, an explicit indentation indicator, tabs).
 */
export function valuesBlockOf(
  text: string,
  file: string,
  located: LocatedDocument,
  path: readonly (string | number)[],
): ValuesBlock {
  const node = nodeAt(located.document, path);
  const refuse = (offset: number, why: string): never => {
    throw new FileFormatError(`cannot edit ${path.join('.')} byte for byte: ${why}`, {
      file,
      line: lineOf(text, offset),
      hint: 'Write the values as a literal block (`values: |`) indented with spaces, or as helm.valuesObject.',
    });
  };
  if (!node || !isScalar(node) || !node.range || typeof node.value !== 'string')
    return refuse(located.start, 'it is not a string');
  const header = text.slice(node.range[0], lineEndOf(text, node.range[0]));
  if (!/^\|[+-]?[ \t]*(#.*)?\r?\n$/.test(header))
    return refuse(node.range[0], 'only a literal block (`|`, `|-`, `|+`) is edited');
  const start = lineEndOf(text, node.range[0]);
  const indent = /^( *)/.exec(text.slice(start))![1]!;
  const inner = node.value;
  const encoded = encodeBlock(inner, indent);
  if (!indent || text.slice(start, start + encoded.length) !== encoded)
    return refuse(start, 'its lines do not read back as written');
  return { start, end: start + encoded.length, indent, inner };
}

/** The edited YAML put back as block lines, keeping the block's chomping (a final newline or not). */
export function reencodeBlock(block: ValuesBlock, edited: string): string {
  let inner = edited;
  if (!block.inner.endsWith('\n') && inner.endsWith('\n')) inner = inner.slice(0, -1);
  if (block.inner.endsWith('\n') && !inner.endsWith('\n')) inner = `${inner}\n`;
  return encodeBlock(inner, block.indent);
}
