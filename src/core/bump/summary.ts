// The bump's job summary: every pin, before and after, and what disagrees.
import { markdownTable } from '../report/markdown.js';
import type { BumpResult } from './bump.js';
import { describeConsistency } from '../pins/consistency.js';

export function renderBumpSummary(result: BumpResult, dryRun: boolean): string {
  const targets = new Map(result.plan.edits.map((e) => [e.pin, e.target]));
  const rows = result.pins.map((pin) => [
    `${pin.file}:${pin.line}`,
    pin.kind,
    pin.location,
    pin.role + (pin.revision ? ` (${pin.revision})` : ''),
    `${pin.format === 'v-prefixed' ? 'v' : ''}${pin.version}`,
    targets.has(pin) ? `**${pin.format === 'v-prefixed' ? 'v' : ''}${targets.get(pin)}**` : 'unchanged',
  ]);
  const problems = describeConsistency(result.before);
  return [
    `## Istio pins ${dryRun ? '(dry run, nothing written)' : ''}`.trim(),
    '',
    `Target ${result.plan.target}: ${result.plan.edits.length} pins in ${result.changedFiles.length} files ${dryRun ? 'would change' : 'changed'}.` +
      (result.plan.releaseChecked ? '' : ' The version was not checked against a release list.'),
    '',
    rows.length > 0
      ? markdownTable(['file', 'kind', 'where', 'role', 'before', 'after'], rows)
      : '_No Istio pins found._',
    ...(problems.length > 0 ? ['', '### Pins that disagree', '', ...problems.map((p) => `- ${p}`)] : []),
    ...sourceMoveLines(result),
    '',
  ].join('\n');
}

/** The chart and image locations moved off Istio's retired hosts in the same edit. */
function sourceMoveLines(result: BumpResult): string[] {
  const { moves, stuck } = result.sourcePlan;
  if (moves.length === 0 && stuck.length === 0) return [];
  const rows = moves.map((m) => [
    `${m.source.file}:${m.source.line}`,
    m.source.location,
    m.source.value,
    m.replacement,
  ]);
  return [
    '',
    `### Istio sources moved off retired hosts (${result.plan.target} is not served there)`,
    '',
    ...(rows.length ? [markdownTable(['file', 'where', 'before', 'after'], rows)] : []),
    ...stuck.map((s) => `- \`${s.source.file}:${s.source.line}\` ${s.source.location}: ${s.reason}`),
  ];
}
