// Markdown for job summaries and PR bodies, kept inside GitHub's limits.

/** GitHub rejects a step summary over 1 MiB; stay well inside it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** One table row: `| a | b |`, cells escaped. */
export function markdownRow(cells: string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

export function markdownTable(headers: string[], rows: string[][]): string {
  return [markdownRow(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(markdownRow)].join(
    '\n',
  );
}

/** Cuts markdown at a line boundary so it fits `limit` bytes, saying how much was left out. */
export function fitMarkdown(markdown: string, limit = SUMMARY_LIMIT_BYTES): string {
  if (Buffer.byteLength(markdown) <= limit) return markdown;
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let size = 0;
  const reserve = 200;
  for (const line of lines) {
    const next = Buffer.byteLength(line) + 1;
    if (size + next > limit - reserve) break;
    kept.push(line);
    size += next;
  }
  const omitted = lines.length - kept.length;
  return `${kept.join('\n')}\n\n_…${omitted} more lines left out to stay under GitHub's summary size limit._\n`;
}
