// The analyze-manifests job summary: the verdict, counts, and every finding grouped by file.
import type { AnalyzeFinding, AnalyzeResult } from '../istioctl/analyze.js';
import { sortFindings } from '../istioctl/analyze.js';
import { escapeCell, fitMarkdown, markdownTable, SUMMARY_LIMIT_BYTES } from './markdown.js';

const LEVEL_ICON = { Error: '🔴', Warning: '🟠', Info: '🔵' } as const;
const NO_FILE = '(no file)';

export interface AnalyzeSummaryOptions {
  istioctlVersion: string;
  /** Findings left out of the annotations (cap or changed-only), so readers know to look here. */
  unannotated?: number;
  limitBytes?: number;
}

export function renderAnalyzeSummary(result: AnalyzeResult, options: AnalyzeSummaryOptions): string {
  const verdict = result.result === 'pass' ? '✅ pass' : '❌ fail';
  const { errors, warnings, infos } = result.counts;
  const lines = [
    `## istioctl analyze: ${verdict}`,
    '',
    `istioctl ${options.istioctlVersion} analyzed ${result.analyzedFiles.length} files offline. ` +
      `Failure threshold: **${result.failureThreshold}**; reported from **${result.outputThreshold}** up.`,
    '',
    markdownTable(['errors', 'warnings', 'infos'], [[String(errors), String(warnings), String(infos)]]),
    '',
  ];
  if (options.unannotated) {
    lines.push(
      `${options.unannotated} findings have no annotation of their own; all of them are listed below.`,
      '',
    );
  }
  const byFile = new Map<string, AnalyzeFinding[]>();
  for (const finding of sortFindings(result.findings)) {
    const key = finding.file ?? NO_FILE;
    byFile.set(key, [...(byFile.get(key) ?? []), finding]);
  }
  // Files with the most severe findings first, as the findings are already sorted.
  for (const [file, findings] of byFile) {
    lines.push(`### \`${file}\``, '');
    lines.push(
      markdownTable(
        ['line', 'level', 'code', 'resource', 'message'],
        findings.map((f) => [
          f.line ? String(f.line) : '',
          `${LEVEL_ICON[f.level]} ${f.level}`,
          f.documentationUrl ? `[${f.code}](${f.documentationUrl})` : f.code,
          f.source === 'istioctl' ? f.origin : '',
          f.message,
        ]),
      ),
      '',
    );
  }
  if (result.findings.length === 0) lines.push('No findings.', '');
  if (result.skipped.length > 0) {
    lines.push(
      '<details><summary>' +
        `${result.skipped.length} documents skipped (not Kubernetes objects)` +
        '</summary>',
      '',
      ...result.skipped.map((s) => `- \`${escapeCell(s.file)}${s.line ? `:${s.line}` : ''}\`: ${s.reason}`),
      '',
      '</details>',
      '',
    );
  }
  return fitMarkdown(lines.join('\n'), options.limitBytes ?? SUMMARY_LIMIT_BYTES);
}
