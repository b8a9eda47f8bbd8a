// Splits a multi-document YAML file into documents with exact character ranges, so a document can be
// replaced while every other byte of the file (separators, comments, blank lines, CRLF, BOM) stays as it was.

export interface YamlDocumentSlice {
  /** 0-based position of the document in its file. */
  index: number;
  /** The whole document: from its `---` line (if any) to the next one (exclusive). */
  start: number;
  end: number;
  /** The YAML body: without the separator line and without leading/trailing comment or blank lines. */
  bodyStart: number;
  bodyEnd: number;
  /** 1-based line of the body's first line (of the document when the body is empty). */
  line: number;
  /** The body's text; '' for a document of only comments. */
  body: string;
  /** The line ending the body uses, so a replacement keeps it. */
  eol: '\n' | '\r\n';
}

/** A line that starts a document: `---` followed by nothing, blanks or a comment (or inline content). */
const SEPARATOR = /^---(?:[ \t]|\r?$)/;
const LEADING_TRIVIA = /^[ \t]*(?:#.*)?\r?$/;
// Only column-0 comments end a body: an indented `#` line may be the last line of a block scalar.
const TRAILING_TRIVIA = /^(?:#.*|[ \t]*)\r?$/;

interface Line {
  start: number;
  /** Offset after the line's newline (or the end of text). */
  end: number;
  text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    lines.push({ start, end, text: text.slice(start, newline === -1 ? end : newline) });
    start = end;
  }
  return lines;
}

/**
 * The documents of `text`. A separator line belongs to the document it opens; text before the first
 * separator is document 0 (possibly only a BOM or comments). The slices cover the text exactly, in order.
 */
export function splitYamlDocuments(text: string): YamlDocumentSlice[] {
  const lines = splitLines(text);
  const groups: { lines: Line[]; separated: boolean }[] = [{ lines: [], separated: false }];
  for (const [i, line] of lines.entries()) {
    const bare = i === 0 ? line.text.replace(/^\uFEFF/, '') : line.text;
    if (SEPARATOR.test(bare)) groups.push({ lines: [line], separated: true });
    else groups.at(-1)!.lines.push(line);
  }
  // A file that opens with `---` has no document before it; drop that empty group unless it holds a BOM.
  if (groups.length > 1 && groups[0]!.lines.length === 0) groups.shift();

  let lineNumber = 1;
  const slices: YamlDocumentSlice[] = [];
  let offset = 0;
  for (const group of groups) {
    const start = group.lines[0]?.start ?? offset;
    const end = group.lines.at(-1)?.end ?? offset;
    const content = group.separated ? group.lines.slice(1) : group.lines;
    const separatorInline =
      group.separated && !/^---[ \t]*(?:#.*)?\r?$/.test(group.lines[0]!.text.replace(/^\uFEFF/, ''));
    let first = 0;
    let last = content.length;
    while (first < last && LEADING_TRIVIA.test(stripBom(content[first]!.text, content[first]!.start)))
      first++;
    while (last > first && TRAILING_TRIVIA.test(content[last - 1]!.text)) last--;
    const firstLineNumber = lineNumber + (group.separated ? 1 : 0);
    let bodyStart: number;
    let bodyEnd: number;
    if (separatorInline) {
      // `--- {kind: Pod}` or `--- !!map`: the body starts on the separator line itself.
      bodyStart = group.lines[0]!.start;
      bodyEnd = last > first ? content[last - 1]!.end : group.lines[0]!.end;
    } else if (last > first) {
      bodyStart = content[first]!.start;
      bodyEnd = content[last - 1]!.end;
      if (bodyStart === 0 && text.startsWith('\uFEFF')) bodyStart = 1;
    } else {
      bodyStart = bodyEnd = content[0]?.start ?? end;
    }
    const body = text.slice(bodyStart, bodyEnd);
    const eolSample = text.slice(start, end);
    slices.push({
      index: slices.length,
      start,
      end,
      bodyStart,
      bodyEnd,
      line: separatorInline ? lineNumber : last > first ? firstLineNumber + first : lineNumber,
      body,
      eol: eolSample.includes('\r\n') ? '\r\n' : '\n',
    });
    lineNumber += group.lines.length;
    offset = end;
  }
  return slices;
}

function stripBom(line: string, start: number): string {
  return start === 0 ? line.replace(/^\uFEFF/, '') : line;
}

/** The text with some documents' bodies replaced; everything outside the replaced bodies is kept. */
export function replaceDocumentBodies(
  text: string,
  slices: readonly YamlDocumentSlice[],
  replacements: ReadonlyMap<number, string>,
): string {
  let result = '';
  let cursor = 0;
  for (const slice of slices) {
    const replacement = replacements.get(slice.index);
    if (replacement === undefined) continue;
    result += text.slice(cursor, slice.bodyStart) + withLineEndings(replacement, slice.eol);
    cursor = slice.bodyEnd;
    // A body that ended the file without a newline: the replacement (which ends in one) must not add one.
    if (cursor === text.length && !/\r?\n$/.test(text.slice(slice.bodyStart, slice.bodyEnd)))
      result = result.replace(/\r?\n$/, '');
  }
  return result + text.slice(cursor);
}

/** `text` with LF line endings, ending in exactly one newline (as istioctl is given a document). */
export function withOneFinalNewline(text: string): string {
  const lf = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  // A loop, not /\n*$/: that regex retries at every offset and costs more than the rest of a run's reading.
  let end = lf.length;
  while (end > 0 && lf.charCodeAt(end - 1) === 10) end--;
  return end === lf.length - 1 ? lf : `${lf.slice(0, end)}\n`;
}

/** `text` with LF line endings turned into `eol`, ending in exactly one line ending. */
export function withLineEndings(text: string, eol: '\n' | '\r\n'): string {
  const normalised = withOneFinalNewline(text);
  return eol === '\n' ? normalised : normalised.replace(/\n/g, '\r\n');
}
