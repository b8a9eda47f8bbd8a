// The notes the pipeline adds to an upgrade PR's body, for the single PR and the per-wave ones alike:
// the istioctl analyze result and the release notes link.
import type { AnalyzeResult } from '../istioctl/analyze.js';
import { minorOf } from '../versions/parse.js';

export type AnalysisOutcome = Pick<AnalyzeResult, 'result' | 'counts' | 'findings'>;

const MAX_FINDINGS = 20;

/** "istioctl 1.31.0 analyze: passed (…)", then up to twenty findings. */
export function analysisNote(analysis: AnalysisOutcome, target: string): string {
  const { errors, warnings, infos } = analysis.counts;
  const head = `**istioctl ${target} analyze**: ${analysis.result === 'pass' ? 'passed' : 'FAILED'} (${errors} errors, ${warnings} warnings, ${infos} infos).`;
  const rows = analysis.findings
    .slice(0, MAX_FINDINGS)
    .map(
      (f) =>
        `- \`${f.code}\` ${f.level} ${f.file ? `\`${f.file}${f.line ? `:${f.line}` : ''}\`` : ''} ${f.message}`,
    );
  const more = analysis.findings.length - MAX_FINDINGS;
  return [head, ...rows, more > 0 ? `- …and ${more} more` : ''].filter(Boolean).join('\n');
}

/** istio.io's announcement page for a release. */
export function releaseNotesUrl(version: string): string {
  return `https://istio.io/latest/news/releases/${minorOf(version)}.x/announcing-${version}/`;
}
