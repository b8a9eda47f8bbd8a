// The upgrade PR's title and body: what changes and why (versions, advisories fixed, end of life,
// release notes, pins, workloads), the user's own text, and the hidden metadata, under GitHub's limit.
import { markdownRow, markdownTable } from './markdown.js';
import { renderMetadata, type PullRequestMetadata } from './pr-metadata.js';
import { upgradeNotesSections, type UpgradeNotesContext } from './upgrade-notes-section.js';

/** GitHub rejects a pull request body over 65536 characters. */
export const PULL_REQUEST_BODY_LIMIT = 65536;

export interface UpgradeAdvisory {
  id: string;
  url?: string;
  summary?: string;
  severity?: string;
  cves?: string[];
}

export interface UpgradePin {
  file: string;
  line?: number;
  kind: string;
  from: string;
  to: string;
}

/** What the pipeline knows about the upgrade; every field is optional for standalone use. */
export interface UpgradeContext extends UpgradeNotesContext {
  /** What is upgraded: control-plane, data-plane, istio... */
  component?: string;
  from?: string;
  to?: string;
  /** The version policy the target was chosen under. */
  policy?: string;
  /** False when the target lies outside the policy (e.g. forced by a security fix). */
  inPolicy?: boolean;
  advisoriesFixed?: UpgradeAdvisory[];
  /** End of life of the version being left (or of the target), as the release data says. */
  endOfLife?: { minor: string; date: string; passed?: boolean }[];
  releaseNotes?: { version: string; url: string }[];
  pins?: UpgradePin[];
  workloads?: { rendered: number; unchanged: number; skipped: number; failed: number; files?: number };
}

export function upgradeTitle(context: UpgradeContext): string {
  const what = context.component && context.component !== 'istio' ? `Istio ${context.component}` : 'Istio';
  if (context.from && context.to) return `Upgrade ${what} from ${context.from} to ${context.to}`;
  if (context.to) return `Upgrade ${what} to ${context.to}`;
  return `Upgrade ${what}`;
}

export function buildPullRequestBody(
  context: UpgradeContext,
  metadata: PullRequestMetadata,
  userBody?: string,
  limit = PULL_REQUEST_BODY_LIMIT,
): string {
  const sections: string[] = [];
  const versions =
    context.from && context.to
      ? `from **${context.from}** to **${context.to}**`
      : context.to
        ? `to **${context.to}**`
        : '';
  sections.push(
    `This PR upgrades ${context.component === 'cleanup' ? 'the Istio control plane, removing the old revision,' : context.component ? `the Istio ${context.component}` : 'Istio'}${versions ? ` ${versions}` : ''}` +
      `${context.policy ? ` (policy \`${context.policy}\`${context.inPolicy === false ? ', outside the policy' : ''})` : ''}.`,
  );
  if (context.advisoriesFixed?.length) {
    const lines = context.advisoriesFixed.map((a) => {
      const name = a.url ? `[${a.id}](${a.url})` : a.id;
      const extra = [a.severity, a.cves?.join(', '), a.summary].filter(Boolean).join(' · ');
      return `- ${name}${extra ? `: ${extra}` : ''}`;
    });
    sections.push(`### Security advisories fixed\n\n${lines.join('\n')}`);
  }
  if (context.endOfLife?.length) {
    const lines = context.endOfLife.map(
      (e) => `- Istio ${e.minor}: end of life ${e.passed ? 'since' : 'on'} ${e.date}`,
    );
    sections.push(`### End of life\n\n${lines.join('\n')}`);
  }
  if (context.releaseNotes?.length) {
    sections.push(
      `### Release notes\n\n${context.releaseNotes.map((r) => `- [${r.version}](${r.url})`).join('\n')}`,
    );
  }
  sections.push(...upgradeNotesSections(context));
  if (context.workloads) {
    const w = context.workloads;
    sections.push(
      `### Workloads\n\n${w.rendered} rendered with the new sidecar, ${w.unchanged} unchanged, ${w.skipped} skipped, ${w.failed} failed` +
        `${w.files !== undefined ? ` across ${w.files} files` : ''}.`,
    );
  }
  const footer = [
    userBody?.trim() ? userBody.trim() : '',
    '<sub>Opened by Istio Autopilot. Edits to this description are replaced on the next run; push commits or comment instead.</sub>',
    renderMetadata(metadata),
  ].filter(Boolean);
  const fixed = [...sections, ...footer].join('\n\n');
  // The pins table is the only part that grows without bound: it gets what the limit leaves.
  const pins = context.pins?.length ? pinsSection(context.pins, limit - fixed.length - 4) : '';
  const body = [...sections, ...(pins ? [pins] : []), ...footer].join('\n\n');
  return body.length <= limit ? body : fitToLimit(sections, footer, limit);
}

function pinsSection(pins: UpgradePin[], budget: number): string {
  const heading = '### Pins changed\n\n';
  const header = markdownTable(['file', 'kind', 'from', 'to'], []);
  const base = heading.length + header.length;
  // Rows are rendered only while they can fit: 5,000 pins cost the ~800 rows a body holds, and each
  // row once (re-rendering the table per dropped row was quadratic).
  const rows: string[] = [];
  let length = base;
  for (const p of pins) {
    if (length > budget) break;
    const row = markdownRow([`${p.file}${p.line ? `:${p.line}` : ''}`, p.kind, p.from, p.to]);
    rows.push(row);
    length += row.length + 1;
  }
  const table = (kept: number) => [header, ...rows.slice(0, kept)].join('\n');
  if (rows.length === pins.length && length <= budget) return heading + table(rows.length);
  const note = (kept: number) =>
    `\n\n_…and ${pins.length - kept} more pins, left out to stay under GitHub's body size limit._`;
  if (base + note(0).length > budget) return budget > 60 ? `${heading}_${pins.length} pins changed._` : '';
  // Length plus note grows with every row kept (a row outgrows the note's shrinking count): keep
  // rows while the next one still fits.
  let kept = 0;
  let used = base;
  while (kept < rows.length && used + rows[kept]!.length + 1 + note(kept + 1).length <= budget)
    used += rows[kept++]!.length + 1;
  return heading + table(kept) + note(kept);
}

/** A user body or huge advisory list can still overflow: cut the user text, never the metadata. */
function fitToLimit(sections: string[], footer: string[], limit: number): string {
  const metadata = footer[footer.length - 1]!;
  const note = '\n\n_…cut to stay under GitHub’s body size limit._\n\n';
  const head = [...sections, ...footer.slice(0, -1)].join('\n\n');
  return head.slice(0, Math.max(0, limit - metadata.length - note.length)) + note + metadata;
}
