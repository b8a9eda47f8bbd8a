// The pin scan's parse: only the documents of a file that mention a keyword of the kinds looking at
// it, each parsed where it sits (offsets and lines as in the whole file), so a 5 KB ConfigMap beside
// a Deployment costs a substring search instead of a YAML parse.
import { Composer, LineCounter, Parser } from 'yaml';
import type { Document } from 'yaml';
import { FileFormatError } from '../errors.js';
import type { SourceText } from './types.js';
import type { ParsedFile } from './yaml-documents.js';

/** A line that starts a YAML document; YAML forbids it inside any content, block scalars included. */
const DOCUMENT_START = /^---(?=[ \t]|\r?$)/gm;
/** Directives and document-end markers change how documents split: such files are parsed whole. */
const UNUSUAL_MARKER = /^(?:%|\.\.\.(?:[ \t]|\r?$))/m;

/** [start, end) of each document: from its `---` line (or the file's start) to the next one. */
export function documentRanges(text: string): { start: number; end: number }[] {
  const starts = [0];
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index);
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? text.length }));
}

/** One pattern per keyword list (the scan's lists are few and live as long as it does). */
const patterns = new WeakMap<readonly string[], RegExp>();

function keywordPattern(keywords: readonly string[]): RegExp {
  let pattern = patterns.get(keywords);
  if (!pattern) {
    pattern = new RegExp(keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    patterns.set(keywords, pattern);
  }
  return pattern;
}

/** The ranges holding a keyword, in one pass over the text: after a hit the search skips to the next range. */
function rangesMentioning<T extends { start: number; end: number }>(
  text: string,
  ranges: readonly T[],
  keywords: readonly string[],
): T[] {
  const kept: T[] = [];
  if (keywords.length === 0) return kept;
  const pattern = keywordPattern(keywords);
  let index = 0;
  pattern.lastIndex = 0;
  for (let hit = pattern.exec(text); hit; hit = pattern.exec(text)) {
    while (ranges[index]!.end <= hit.index) index++;
    kept.push(ranges[index]!);
    if (++index === ranges.length) break;
    pattern.lastIndex = ranges[index]!.start;
  }
  return kept;
}

/**
 * The file with only its documents that mention one of `keywords` parsed: a kind's pin and its
 * keyword sit in one document, and anchors never cross documents, so the pins found are those of a
 * whole parse. Undefined when every document mentions one, or the layout is unusual (directives,
 * `...`): then parse the whole file.
 */
export function parseDocumentsMentioning(
  source: SourceText,
  keywords: readonly string[],
): ParsedFile | undefined {
  const { text } = source;
  if (UNUSUAL_MARKER.test(text)) return undefined;
  const ranges = documentRanges(text);
  const kept = rangesMentioning(text, ranges, keywords);
  if (kept.length === ranges.length) return undefined;
  // Lines only as far as the last parsed document: no node or error lies beyond it.
  const last = kept.at(-1)?.end ?? 0;
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1 && i < last; i = text.indexOf('\n', i + 1))
    lineCounter.addNewLine(i + 1);
  const documents: Document.Parsed[] = [];
  for (const range of kept) {
    const parser = new Parser();
    // Tokens, and so every node's range and every error's position, count from the document's start.
    parser.offset = range.start;
    const composer = new Composer({ uniqueKeys: false });
    for (const document of composer.compose(parser.parse(text.slice(range.start, range.end)))) {
      const error = document.errors[0];
      if (error)
        throw new FileFormatError(`broken YAML: ${error.message.split('\n')[0]}`, {
          file: source.path,
          line: lineCounter.linePos(error.pos[0]).line,
          hint: 'Fix the YAML (or exclude the file with the paths input); nothing was written.',
        });
      documents.push(document);
    }
  }
  return { ...source, documents, lineCounter };
}
