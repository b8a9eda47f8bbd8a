// The root action's job summary: what it decided and why, the PR, the path, and the analysis.
import { fitMarkdown, markdownTable } from '../report/markdown.js';
import { renderDashboard } from '../rollout/dashboard/dashboard.js';

const SUMMARY_PART_LIMIT = 256 * 1024;
import type { PlanReport } from './plan-report.js';
import type { PipelineRunResult } from './types.js';

export function renderPipelineSummary(report: PlanReport, result: PipelineRunResult): string {
  const lines = ['## Istio Autopilot', ''];
  lines.push(
    markdownTable(
      ['step', 'current', 'target', 'latest', 'path'],
      [
        [
          report.step,
          report.current,
          report.target ?? '—',
          report.latest ?? 'unknown',
          report.upgradePath.length ? [report.current, ...report.upgradePath].join(' → ') : '—',
        ],
      ],
    ),
    '',
    report.reason,
  );
  const pr = result.pullRequest?.pullRequest;
  if (pr) lines.push('', `Pull request [#${pr.number}](${pr.url}): ${result.operation}.`);
  else if (result.operation === 'planned') lines.push('', 'Dry run: nothing was written.');
  if (result.changedFiles.length) {
    lines.push(
      '',
      `### Files changed (${result.changedFiles.length})`,
      '',
      ...result.changedFiles.map((f) => `- \`${f}\``),
    );
  }
  if (result.analysis) {
    const { errors, warnings, infos } = result.analysis.counts;
    lines.push(
      '',
      `### istioctl analyze: ${result.analysis.result}`,
      '',
      `${errors} errors, ${warnings} warnings, ${infos} infos.`,
    );
  }
  if (report.advisories.length) {
    lines.push('', `### Advisories affecting ${report.current}`, '');
    lines.push(
      markdownTable(
        ['id', 'severity', 'fixed in'],
        report.advisories.map((a) => [`[${a.id}](${a.url})`, a.severity, a.fixedIn ?? 'none']),
      ),
    );
  }
  if (result.fleet) lines.push('', '### Fleet', '', renderDashboard(result.fleet.fleet, SUMMARY_PART_LIMIT));
  lines.push(...notesSummary(report));
  for (const line of report.inconsistencies) lines.push('', `> [!WARNING]\n> ${line}`);
  for (const warning of report.sources.warnings) lines.push('', `> [!NOTE]\n> ${warning}`);
  return fitMarkdown(lines.join('\n') + '\n');
}

/** The upgrade notes, retired-host locations and a still-vulnerable target, as the plan found them. */
function notesSummary(report: PlanReport): string[] {
  const lines: string[] = [];
  if (report.targetAdvisories) {
    const t = report.targetAdvisories;
    lines.push(
      '',
      `> [!WARNING]\n> ${t.target} is still affected by ${t.ids.join(', ')}; ${t.fixedBy ? `${t.fixedByHop ? 'the later hop to' : 'fixed in'} ${t.fixedBy}.` : 'no release fixes them yet.'}`,
    );
  }
  if (report.upgradeNotes.length) {
    lines.push('', '### Upgrade notes that apply', '');
    for (const note of report.upgradeNotes) lines.push(`- ${note.action}: [${note.title}](${note.url})`);
  }
  const stuck = report.retiredSources.filter((s) => s.movesTo === null);
  for (const s of stuck)
    lines.push(
      '',
      `> [!WARNING]\n> \`${s.file}:${s.line}\` ${s.value} is on a retired Istio host with no successor.`,
    );
  return lines;
}
