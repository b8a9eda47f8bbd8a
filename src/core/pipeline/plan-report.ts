// The plan as plain, stable data (the CLI's --json, the root action's outputs) and as text.
import { describeConsistency } from '../pins/consistency.js';
import { planSourceMoves } from '../sources/engine.js';
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
  pullRequests: {
    component: string;
    target: string;
    files: string[];
    now: boolean;
    /** Revision-based hops: the new revision, and the PR as the plan names it. */
    revision?: string;
    title?: string;
  }[];
  /** Chart and image locations on Istio's retired hosts, and where each moves (null: no successor). */
  retiredSources: { file: string; line: number; location: string; value: string; movesTo: string | null }[];
  /** The upgrade notes of the hop that apply to this repo. */
  upgradeNotes: {
    id: string;
    title: string;
    url: string;
    action: string;
    findings: { what: string; file: string | null; line: number | null }[];
  }[];
  /** Notes of the hop the repo cannot show either way. */
  uncheckedNotes: { id: string; title: string; url: string }[];
  /** Advisories the hop's target still has, and the hop that fixes them. */
  targetAdvisories: { target: string; ids: string[]; fixedBy: string | null; fixedByHop: boolean } | null;
  sources: { releases: string; advisories: string; datasetAsOf: string; warnings: string[] };
  /** A revision-based hop: which of its three steps this is, and what still uses the old revision. */
  canary: {
    phase: string;
    revision: string;
    from: { revision: string; version: string; name: string };
    references: { kind: string; what: string; file: string | null; line: number | null }[];
  } | null;
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
    ...notesReport(plan),
    sources: {
      releases: check.sources.releasesFrom,
      advisories: check.sources.advisoriesFrom,
      datasetAsOf: check.sources.datasetAsOf,
      warnings: check.sources.warnings,
    },
    canary: plan.canary
      ? {
          phase: plan.canary.phase,
          revision: plan.canary.revision,
          from: {
            revision: plan.canary.old.revision,
            version: plan.canary.old.version,
            name: plan.canary.old.name,
          },
          references: plan.canary.references.map((r) => ({
            kind: r.kind,
            what: r.what,
            file: r.source?.file ?? null,
            line: r.source?.line ?? null,
          })),
        }
      : null,
  };
}

function notesReport(
  plan: UpgradePlan,
): Pick<PlanReport, 'retiredSources' | 'upgradeNotes' | 'uncheckedNotes' | 'targetAdvisories'> {
  const moves = new Map(planSourceMoves(plan.sources.found).moves.map((m) => [m.source, m.replacement]));
  const advisories = plan.targetAdvisories;
  return {
    retiredSources: plan.sources.found.map((s) => ({
      file: s.file,
      line: s.line,
      location: s.location,
      value: s.value,
      movesTo: moves.get(s) ?? null,
    })),
    upgradeNotes: plan.notes.applies.map((a) => ({
      id: a.note.id,
      title: a.note.title,
      url: a.note.url,
      action: a.action,
      findings: a.findings.map((f) => ({ what: f.what, file: f.file ?? null, line: f.line ?? null })),
    })),
    uncheckedNotes: plan.notes.undetectable.map((n) => ({ id: n.id, title: n.title, url: n.url })),
    targetAdvisories: advisories
      ? {
          target: advisories.target,
          ids: advisories.advisories.map((a) => a.id),
          fixedBy: advisories.fixedBy ?? null,
          fixedByHop: advisories.fixedByHop === true,
        }
      : null,
  };
}

/** `next`, when given, replaces the single-PR "Next:" section (the fleet view with waves). */
export function renderPlanText(report: PlanReport, options: { next?: readonly string[] } = {}): string {
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
  if (options.next) lines.push('', ...options.next);
  else
    lines.push(
      '',
      `Next: ${report.step === 'none' ? 'nothing to do' : `${report.step} PR`}. ${report.reason}`,
    );
  for (const pr of options.next ? [] : report.pullRequests) {
    const what = pr.title
      ? `${pr.title}:`
      : pr.component === 'sources'
        ? "sources PR (move off Istio's retired hosts)"
        : `${pr.component} PR to ${pr.target}`;
    lines.push(`  ${pr.now ? 'now' : 'after it merges'}: ${what}${pr.title ? '' : ','} touching:`);
    for (const file of pr.files) lines.push(`    ${file}`);
  }
  lines.push(...notesText(report));
  for (const warning of report.sources.warnings) lines.push('', `note: ${warning}`);
  return lines.join('\n');
}

function notesText(report: PlanReport): string[] {
  const lines: string[] = [];
  if (report.retiredSources.length) {
    lines.push('', `On Istio's retired hosts (${report.retiredSources.length}):`);
    for (const s of report.retiredSources) {
      lines.push(`  ${s.file}:${s.line}  ${s.value} -> ${s.movesTo ?? 'no successor; fix by hand'}`);
    }
  }
  if (report.targetAdvisories) {
    const t = report.targetAdvisories;
    lines.push(
      '',
      `Target still vulnerable: ${t.target} has ${t.ids.join(', ')}; ${t.fixedBy ? `${t.fixedByHop ? 'the later hop to' : 'fixed in'} ${t.fixedBy}` : 'no release fixes them yet'}.`,
    );
  }
  if (report.upgradeNotes.length || report.uncheckedNotes.length) lines.push('', 'Upgrade notes that apply:');
  for (const note of report.upgradeNotes) {
    lines.push(`  [${note.action}] ${note.title}  ${note.url}`);
    for (const f of note.findings.slice(0, 5))
      lines.push(`    ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''}  ` : ''}${f.what}`);
  }
  for (const note of report.uncheckedNotes) lines.push(`  [read] ${note.title}  ${note.url}`);
  return lines;
}
