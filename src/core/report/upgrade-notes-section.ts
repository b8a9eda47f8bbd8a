// The PR body's and summaries' view of what a hop needs beyond the version: the upgrade notes that
// apply to this repo (with links and what was done automatically), sources moved, a still-vulnerable target.
import { markdownTable } from './markdown.js';

export interface UpgradeNoteEntry {
  title: string;
  url: string;
  action: 'rewrite' | 'warn' | 'block';
  advice?: string;
  /** What in the repo shows it applies. */
  findings: { what: string; file?: string; line?: number }[];
  /** What this PR already did about it. */
  done?: string;
}

export interface UpgradeNotesContext {
  upgradeNotes?: {
    from?: string;
    to?: string;
    applies: UpgradeNoteEntry[];
    /** Notes of the hop a repo cannot show either way: linked for the reviewer. */
    unchecked?: { title: string; url: string }[];
  };
  sourcesMoved?: { file: string; line?: number; from: string; to: string }[];
  stillVulnerable?: {
    target: string;
    advisories: { id: string; url?: string; severity?: string; fixedIn?: string }[];
    fixedBy?: string;
    /** Whether `fixedBy` is a later hop of the planned path (else only the advisories' fixed release). */
    fixedByHop?: boolean;
  };
}

const MAX_FINDINGS = 5;
const LABEL = { block: '⛔ blocks', warn: '⚠️ check', rewrite: '✅ done' } as const;

/** Markdown sections, in reading order; empty when the context has none of these. */
export function upgradeNotesSections(context: UpgradeNotesContext): string[] {
  const sections: string[] = [];
  const vulnerable = context.stillVulnerable;
  if (vulnerable?.advisories.length) {
    const ids = vulnerable.advisories.map((a) => (a.url ? `[${a.id}](${a.url})` : a.id)).join(', ');
    sections.push(
      `### Target still vulnerable\n\n${vulnerable.target} is still affected by ${ids}. ` +
        (vulnerable.fixedBy
          ? vulnerable.fixedByHop
            ? `A later hop of the path, to **${vulnerable.fixedBy}**, fixes them; this PR is one step of the way.`
            : `They are fixed in **${vulnerable.fixedBy}**, which the next run can move to once it is allowed.`
          : 'No release fixes them yet.'),
    );
  }
  const notes = context.upgradeNotes;
  if (notes && (notes.applies.length || notes.unchecked?.length)) {
    const hop = notes.from && notes.to && notes.from !== notes.to ? ` (${notes.from} → ${notes.to})` : '';
    const lines = notes.applies.map((entry) => noteLines(entry));
    if (notes.unchecked?.length) {
      lines.push(
        `- Not checkable from the repo: ${notes.unchecked.map((n) => `[${n.title}](${n.url})`).join('; ')}`,
      );
    }
    sections.push(`### Upgrade notes that apply${hop}\n\n${lines.join('\n')}`);
  }
  if (context.sourcesMoved?.length) {
    const rows = context.sourcesMoved.map((s) => [`${s.file}${s.line ? `:${s.line}` : ''}`, s.from, s.to]);
    sections.push(
      `### Istio sources moved off retired hosts\n\nIstio publishes nothing to \`gcr.io/istio-release\`, \`registry.istio.io\` or \`istio-release.storage.googleapis.com\` from 1.31 and removes them in December 2026.\n\n` +
        markdownTable(['file', 'before', 'after'], rows),
    );
  }
  return sections;
}

function noteLines(entry: UpgradeNoteEntry): string {
  const head = `- ${LABEL[entry.action]}: [${entry.title}](${entry.url})${entry.done ? `. Done here: ${entry.done}.` : ''}`;
  const advice = entry.advice && entry.action !== 'rewrite' ? `\n  ${entry.advice}` : '';
  const shown = entry.findings.slice(0, MAX_FINDINGS).map((f) => {
    const where = f.file ? `\`${f.file}${f.line ? `:${f.line}` : ''}\` ` : '';
    return `\n  - ${where}${f.what}`;
  });
  const more =
    entry.findings.length > MAX_FINDINGS ? `\n  - …and ${entry.findings.length - MAX_FINDINGS} more` : '';
  return head + advice + shown.join('') + more;
}
