// The "Istio Autopilot dashboard" issue: one open issue the bot created, updated in place, showing
// per wave and cluster where the fleet stands, the open PRs and what comes next. The same markdown
// goes to the job summary. Issues written by people are never touched, whatever their title.
import type { GitHubClient } from '../../github/client.js';
import type { Logger } from '../../logger.js';
import { escapeCell, fitMarkdown, markdownTable } from '../../report/markdown.js';
import type { FleetPlan, WaveStatus } from '../waves/rollout.js';

export const DASHBOARD_TITLE = 'Istio Autopilot dashboard';
const MARKER = '<!-- istio-autopilot:dashboard -->';
/** GitHub refuses issue bodies over 65536 characters; stay clear of it. */
const ISSUE_BODY_LIMIT = 65_000;

export function renderDashboard(fleet: FleetPlan, limit = ISSUE_BODY_LIMIT): string {
  const lines = [
    MARKER,
    '',
    'Where the Istio rollout stands, wave by wave. Istio Autopilot keeps this issue up to date.',
    '',
  ];
  lines.push('## Waves', '');
  for (const w of fleet.waves) lines.push(`- ${waveLine(w)}`);
  lines.push('', '```mermaid', ...mermaid(fleet.waves), '```', '');
  lines.push('## Clusters', '');
  const rows = fleet.waves.flatMap((w) =>
    (w.clusters.length ? w.clusters : ['—']).map((cluster) => [
      w.wave,
      cluster,
      w.controlPlane.join(', ') || '—',
      w.proxies.join(', ') || '—',
      endOfLife(w),
      advisories(w),
    ]),
  );
  lines.push(
    markdownTable(['wave', 'cluster', 'control plane', 'proxies', 'end of life', 'advisories'], rows),
    '',
  );
  lines.push('## Open pull requests', '');
  const open = fleet.waves.filter((w) => w.pullRequest);
  if (open.length === 0) lines.push('None.');
  for (const w of open)
    lines.push(
      w.dataPlane
        ? `- #${w.pullRequest!.number} wave ${w.wave}: proxies ${w.dataPlane.from} → ${w.dataPlane.target}`
        : `- #${w.pullRequest!.number} wave ${w.wave}: control plane ${w.current} → ${w.target}`,
    );
  lines.push('', '## Next steps', '');
  lines.push(
    markdownTable(
      ['wave', 'next step', 'due'],
      fleet.waves.map((w) => [w.wave, escapeCell(nextStep(w)), due(w)]),
    ),
  );
  if (fleet.advice.length) {
    lines.push('', '## Pins shared by several waves', '');
    for (const advice of fleet.advice) lines.push(`- ${advice}`);
  }
  return fitMarkdown(lines.join('\n') + '\n', limit);
}

/** One line per wave, giving its version: `**staging** 1.30.4 — waits for the 2d soak … until …`. */
function waveLine(w: WaveStatus): string {
  const version = w.controlPlane.join(', ') || 'no pin';
  return `**${w.wave}** ${version}${w.target ? ` → ${w.target}` : ''}: ${w.message}`;
}

function mermaid(waves: WaveStatus[]): string[] {
  const id = (i: number) => `w${i}`;
  const label = (w: WaveStatus) => {
    const where = w.pullRequest
      ? `PR #${w.pullRequest.number}`
      : w.state === 'waiting'
        ? w.gate?.kind === 'wait-soak'
          ? `soak until ${w.gate.until}`
          : w.gate?.kind === 'wait-check'
            ? `waits for check ${w.gate.check}`
            : 'waits'
        : w.state;
    const version = `${w.controlPlane.join(', ') || 'no pin'}${w.target ? ` → ${w.target}` : ''}`;
    return `"${w.wave}<br/>${version}<br/>${where}"`.replace(/[[\]{}]/g, '');
  };
  const out = ['flowchart LR'];
  waves.forEach((w, i) => out.push(`  ${id(i)}[${label(w)}]`));
  for (let i = 1; i < waves.length; i++) out.push(`  ${id(i - 1)} --> ${id(i)}`);
  out.push(
    '  classDef done fill:#d4f7d4,stroke:#2e7d32',
    '  classDef active fill:#fff3c4,stroke:#f9a825',
    '  classDef blocked fill:#ffd6d6,stroke:#c62828',
  );
  waves.forEach((w, i) => {
    const cls =
      w.state === 'current'
        ? 'done'
        : w.state === 'blocked'
          ? 'blocked'
          : w.state === 'open' || w.state === 'waiting'
            ? 'active'
            : '';
    if (cls) out.push(`  class ${id(i)} ${cls}`);
  });
  return out;
}

function endOfLife(w: WaveStatus): string {
  if (!w.check?.eolDate) return 'unknown';
  return `${w.check.eol ? 'passed' : 'on'} ${w.check.eolDate}`;
}

function advisories(w: WaveStatus): string {
  const list = w.check?.advisories ?? [];
  if (list.length === 0) return 'none';
  const shown = list.slice(0, 5).map((a) => `[${a.id}](${a.url})`);
  return `${shown.join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''}`;
}

function nextStep(w: WaveStatus): string {
  if (w.pullRequest && w.dataPlane)
    return `review and merge #${w.pullRequest.number} (proxies ${w.dataPlane.from} → ${w.dataPlane.target})`;
  if (w.pullRequest) return `review and merge #${w.pullRequest.number} (${w.current} → ${w.target})`;
  if (w.state === 'current') return 'nothing: up to date';
  if (w.state === 'no-pins') return 'give the wave its own pin';
  if (w.gate && w.gate.kind !== 'open' && 'pull' in w.gate && w.gate.pull) {
    const pull = `#${w.gate.pull.number}`;
    if (w.gate.kind === 'wait-soak') return `open its PR once ${pull} has soaked`;
    if (w.gate.kind === 'wait-check')
      return `open its PR once check ${w.gate.check} is green on ${pull}'s merge commit`;
    if (w.gate.kind === 'blocked') return `fix check ${w.gate.check} on ${pull}'s merge commit`;
    return `open its PR once ${pull} is merged`;
  }
  return w.message;
}

function due(w: WaveStatus): string {
  if (w.gate?.kind === 'wait-soak') return w.gate.until;
  if (w.pullRequest || w.state === 'open') return 'now';
  if (w.state === 'waiting') return 'after the previous wave';
  return '—';
}

export interface DashboardResult {
  number: number;
  url: string;
  operation: 'created' | 'updated' | 'unchanged';
}

/**
 * Creates the dashboard issue, or updates the one the bot created before. Only an open issue with
 * the dashboard title, the hidden marker and a bot author counts: people's issues are left alone.
 */
export async function upsertDashboard(
  octokit: GitHubClient,
  request: { owner: string; repo: string; fleet: FleetPlan; logger: Logger },
): Promise<DashboardResult> {
  const repository = { owner: request.owner, repo: request.repo };
  const body = renderDashboard(request.fleet);
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...repository,
    state: 'open',
    per_page: 100,
  });
  const login = await authenticatedLogin(octokit);
  const ours = issues
    .filter(
      (i) =>
        !i.pull_request &&
        i.title === DASHBOARD_TITLE &&
        (i.body ?? '').startsWith(MARKER) &&
        (login ? i.user?.login === login : i.user?.type === 'Bot'),
    )
    .sort((a, b) => a.number - b.number);
  const existing = ours[0];
  if (existing) {
    if (ours.length > 1)
      request.logger.warning(
        `${ours.length} dashboard issues are open (${ours.map((i) => `#${i.number}`).join(', ')}); #${existing.number} is kept up to date.`,
      );
    if ((existing.body ?? '') === body) {
      request.logger.info(`Dashboard issue #${existing.number} is up to date.`);
      return { number: existing.number, url: existing.html_url, operation: 'unchanged' };
    }
    await octokit.rest.issues.update({ ...repository, issue_number: existing.number, body });
    request.logger.info(`Dashboard issue #${existing.number} updated: ${existing.html_url}`);
    return { number: existing.number, url: existing.html_url, operation: 'updated' };
  }
  const created = (await octokit.rest.issues.create({ ...repository, title: DASHBOARD_TITLE, body })).data;
  request.logger.info(`Dashboard issue #${created.number} created: ${created.html_url}`);
  return { number: created.number, url: created.html_url, operation: 'created' };
}

/**
 * Who the token acts as, when GitHub says: a person's token can read /user, an installation token
 * (GITHUB_TOKEN, a GitHub App) cannot, and then the bot is whichever bot account wrote the issue.
 */
async function authenticatedLogin(octokit: GitHubClient): Promise<string | undefined> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}
