// The check-istio-release job summary: versions and path, then advisories with links, then support.
import { escapeCell, fitMarkdown, markdownTable, SUMMARY_LIMIT_BYTES } from '../report/markdown.js';
import type { ReleaseCheck } from './check-release.js';

/** Advisories listed in full; the rest are counted, so a very old version's summary stays readable. */
const ADVISORY_ROWS = 50;

export function renderReleaseSummary(check: ReleaseCheck, limit = SUMMARY_LIMIT_BYTES): string {
  const lines: string[] = ['## Istio release check', ''];
  const path = check.upgradePath.length > 0 ? [check.current, ...check.upgradePath].join(' → ') : '—';
  const next =
    check.target ??
    (check.currentIsAheadOfLatest ? 'none (newer than every GA release)' : 'none (newest the policy allows)');
  lines.push(
    markdownTable(
      ['current', 'target', 'latest', 'path'],
      [
        [
          check.current,
          `${next}${check.target ? ` (${check.updateType})` : ''}`,
          check.latest ?? 'unknown',
          path,
        ],
      ],
    ),
    '',
    `Policy \`${check.policy}\`, strategy \`${check.strategy}\`` +
      (check.destination && check.destination !== check.target
        ? `; the path ends at ${check.destination}.`
        : '.'),
  );
  if (check.blockedBy) lines.push('', `> [!WARNING]\n> The path stops short: ${check.blockedBy}.`);
  for (const warning of check.sources.warnings) lines.push('', `> [!WARNING]\n> ${escapeQuote(warning)}`);

  lines.push(...advisoryLines(check), ...supportLines(check));
  return fitMarkdown(`${lines.join('\n')}\n`, limit);
}

function advisoryLines(check: ReleaseCheck): string[] {
  const lines: string[] = [];
  lines.push('', '### Security advisories', '');
  if (!check.vulnerable) {
    lines.push(`No known advisory affects ${check.current}${sourceNote(check)}.`);
  } else {
    const fixed = new Set(check.fixedAdvisories);
    const rows = check.advisories
      .slice(0, ADVISORY_ROWS)
      .map((a) => [
        `[${a.id}](${a.url})${a.presumed ? ' *' : ''}`,
        a.severity + (a.cvss !== undefined ? ` (${a.cvss})` : ''),
        a.cves.slice(0, 6).join(', ') + (a.cves.length > 6 ? ` +${a.cves.length - 6}` : ''),
        a['fixed-in'] ?? 'no fix',
        fixed.has(a.id) ? 'yes' : 'no',
      ]);
    lines.push(
      `${check.advisories.length} advisor${check.advisories.length === 1 ? 'y affects' : 'ies affect'} ${check.current}${sourceNote(check)}.`,
      '',
      markdownTable(['advisory', 'severity', 'CVEs', 'fixed in', 'fixed by target'], rows),
    );
    if (check.advisories.length > ADVISORY_ROWS) {
      lines.push('', `…and ${check.advisories.length - ADVISORY_ROWS} more (see the \`advisories\` output).`);
    }
    if (check.advisories.some((a) => a.presumed)) {
      lines.push(
        '',
        '\\* _The bulletin does not list this minor: it was already end-of-life then and got no fix._',
      );
    }
  }
  return lines;
}

function supportLines(check: ReleaseCheck): string[] {
  const lines: string[] = [];
  lines.push('', '### Support', '');
  if (check.eol) lines.push(`**${check.current} is end-of-life** since ${check.eolDate}.`);
  else if (check.eolDate)
    lines.push(
      `${check.current} is supported until ${check.eolDate}${check.eolExpected ? ' (expected)' : ''}.`,
    );
  else lines.push(`${check.current} is supported; no end-of-life date is known yet.`);
  if (check.skew) {
    lines.push(
      '',
      `Data plane ${check.skew.dataPlane}: ${check.skew.ok ? 'within' : '**outside**'} Istio's skew rules (${check.skew.message}).`,
    );
  }
  if (check.kubernetesVersion) {
    const verdict =
      check.kubernetesSupported === undefined
        ? 'unknown (no data for this minor)'
        : check.kubernetesSupported
          ? 'supported'
          : `**not supported** (supported: ${check.kubernetesSupportedVersions.join(', ')})`;
    lines.push('', `Kubernetes ${escapeCell(check.kubernetesVersion)}: ${verdict}.`);
  }
  return lines;
}

function sourceNote(check: ReleaseCheck): string {
  return check.sources.advisoriesFrom === 'dataset'
    ? ` in the bundled bulletins as of ${check.sources.datasetAsOf} (GitHub's advisories were not reachable)`
    : '';
}

function escapeQuote(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}
