// The fleet view for a terminal: one block per wave (clusters, versions, what the next run does),
// then the pins shared by several waves and how to split them.
import type { FleetPlan } from './rollout.js';

export function renderFleetText(plan: FleetPlan): string {
  const lines = [`fleet (${plan.waves.length} waves): the next run goes wave by wave, one PR per wave:`];
  for (const w of plan.waves) {
    lines.push(
      `  ${w.wave}: control plane ${w.controlPlane.join(', ') || '—'}${w.target ? ` → ${w.target}` : ''}, proxies ${w.proxies.join(', ') || '—'}`,
      `    clusters: ${w.clusters.join(', ') || '—'}`,
      `    next run: ${w.message}`,
    );
    if (w.files.length && (w.state === 'open' || w.state === 'waiting'))
      lines.push(`    files: ${w.files.join(', ')}`);
  }
  if (plan.advice.length) {
    lines.push('shared pins (not bumped wave by wave):');
    for (const advice of plan.advice) lines.push(`  ${advice}`);
  }
  return lines.join('\n');
}

/** `owner/repo` from GITHUB_REPOSITORY or a github remote URL, for reading the gates. */
export function repositoryOf(
  remoteUrls: readonly string[],
  env?: string,
): { owner: string; repo: string } | undefined {
  const named = env?.split('/');
  if (named?.length === 2 && named[0] && named[1]) return { owner: named[0], repo: named[1] };
  for (const url of remoteUrls) {
    const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
    if (match) return { owner: match[1]!, repo: match[2]! };
  }
  return undefined;
}
