// The plan as plain, stable data (the CLI's --json, the root action's outputs) and as text.
import { describeConsistency } from '../pins/consistency.js';
import type { UpgradePlan } from './plan.js';

export interface PlanReport {
  step: UpgradePlan['step'];
  reason: string;
  current: string;
  target: string | null;
  latest: string | null;
  upgradePath: string[];
  updateType: string;
  policy: string;
  strategy: string;
  vulnerable: boolean;
  advisories: { id: string; severity: string; cves: string[]; fixedIn: string | null; url: string }[];
  eol: boolean;
  eolDate: string | null;
  inconsistencies: string[];
  pins: {
    file: string;
    line: number;
    kind: string;
    role: string;
    version: string;
    revision: string | null;
  }[];
  pullRequests: { component: string; target: string; files: string[]; now: boolean }[];
  sources: { releases: string; advisories: string; datasetAsOf: string; warnings: string[] };
}

/** Key order and contents are fixed so `--json` output can be diffed and scripted. */
export function planReport(plan: UpgradePlan): PlanReport {
  const check = plan.controlPlane.check;
  return {
    step: plan.step,
    reason: plan.reason,
    current: plan.controlPlane.current,
    target: plan.target ?? null,
    latest: check.latest ?? null,
    upgradePath: check.upgradePath,
    updateType: check.updateType,
    policy: check.policy,
    strategy: check.strategy,
    vulnerable: check.vulnerable,
    advisories: check.advisories.map((a) => ({
      id: a.id,
      severity: a.severity,
      cves: a.cves,
      fixedIn: a['fixed-in'] ?? null,
      url: a.url,
    })),
    eol: check.eol,
    eolDate: check.eolDate ?? null,
    inconsistencies: describeConsistency(plan.consistency),
    pins: plan.pins.map((p) => ({
      file: p.file,
      line: p.line,
      kind: p.kind,
      role: p.role,
      version: p.version,
      revision: p.revision ?? null,
    })),
    pullRequests: plan.pullRequests.map((pr) => ({ ...pr })),
    sources: {
      releases: check.sources.releasesFrom,
      advisories: check.sources.advisoriesFrom,
      datasetAsOf: check.sources.datasetAsOf,
      warnings: check.sources.warnings,
    },
  };
}

export function renderPlanText(report: PlanReport): string {
  const lines: string[] = [];
  lines.push(`Pins (${report.pins.length}):`);
  for (const p of report.pins) {
    lines.push(
      `  ${p.file}:${p.line}  ${p.kind}  ${p.role}  ${p.version}${p.revision ? `  rev ${p.revision}` : ''}`,
    );
  }
  lines.push('', report.inconsistencies.length ? 'Inconsistencies:' : 'Inconsistencies: none');
  for (const line of report.inconsistencies) lines.push(`  ${line}`);
  lines.push(
    '',
    `Control plane: ${report.current}`,
    `Target:        ${report.target ?? 'none'}${report.target ? ` (${report.updateType})` : ''}`,
    `Latest:        ${report.latest ?? 'unknown'}`,
    `Path:          ${report.upgradePath.length ? [report.current, ...report.upgradePath].join(' -> ') : 'none'}`,
    `Policy:        ${report.policy} (${report.strategy})`,
    `End of life:   ${report.eol ? `yes, since ${report.eolDate}` : report.eolDate ? `no, ${report.eolDate}` : 'no'}`,
  );
  lines.push(
    '',
    report.vulnerable
      ? `Advisories affecting ${report.current}:`
      : `Advisories: none affect ${report.current}`,
  );
  for (const a of report.advisories) {
    lines.push(
      `  ${a.id}  ${a.severity}  ${a.cves.join(', ') || '-'}  fixed in ${a.fixedIn ?? 'none'}  ${a.url}`,
    );
  }
  lines.push('', `Next: ${report.step === 'none' ? 'nothing to do' : `${report.step} PR`}. ${report.reason}`);
  for (const pr of report.pullRequests) {
    lines.push(`  ${pr.now ? 'now' : 'after it merges'}: ${pr.component} PR to ${pr.target}, touching:`);
    for (const file of pr.files) lines.push(`    ${file}`);
  }
  for (const warning of report.sources.warnings) lines.push('', `note: ${warning}`);
  return lines.join('\n');
}
