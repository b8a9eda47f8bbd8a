// Reads a wave's upgrade PR for a target back from GitHub (by its branch, open or closed, and the
// metadata block that names component and target), and the required checks on its merge commit.
import type { GitHubClient } from '../../github/client.js';
import { upgradeBranchName } from '../../github/branch-name.js';
import { parseMetadata } from '../../report/pr-metadata.js';
import { checkState, type WavePullEvidence } from './gates.js';

export type WaveComponent = 'control-plane' | 'data-plane';

/** The PR component for a wave: `control-plane in staging`, so titles read and supersede stays per wave. */
export function waveComponent(component: WaveComponent, wave: string): string {
  return `${component} in ${wave}`;
}

/** `istio-autopilot/control-plane-staging-1.31`: one branch per wave, component and target minor. */
export function waveBranch(component: WaveComponent, wave: string, target: string): string {
  return upgradeBranchName(`${component}-${wave}`, target);
}

export interface EvidenceRequest {
  owner: string;
  repo: string;
  wave: string;
  target: string;
  /** The checks the *next* wave requires on this PR's merge commit. */
  requireChecks: readonly string[];
}

export async function findWavePull(
  octokit: GitHubClient,
  request: EvidenceRequest,
): Promise<WavePullEvidence | undefined> {
  const repository = { owner: request.owner, repo: request.repo };
  const branch = waveBranch('control-plane', request.wave, request.target);
  const component = waveComponent('control-plane', request.wave);
  const pulls = await octokit.paginate(octokit.rest.pulls.list, {
    ...repository,
    state: 'all',
    head: `${request.owner}:${branch}`,
    per_page: 100,
  });
  const mine = pulls.filter((p) => {
    const metadata = parseMetadata(p.body);
    return metadata?.component === component && metadata.to === request.target;
  });
  const rank = (p: (typeof mine)[number]) => (p.merged_at ? 0 : p.state === 'open' ? 1 : 2);
  const chosen = mine.sort((a, b) => rank(a) - rank(b) || b.number - a.number)[0];
  if (!chosen) return undefined;
  const evidence: WavePullEvidence = {
    number: chosen.number,
    url: chosen.html_url,
    state: chosen.state === 'open' ? 'open' : 'closed',
    ...(chosen.merged_at ? { mergedAt: chosen.merged_at } : {}),
    ...(chosen.merge_commit_sha ? { mergeCommitSha: chosen.merge_commit_sha } : {}),
    checks: [],
  };
  const sha = evidence.mergedAt ? evidence.mergeCommitSha : undefined;
  if (sha) evidence.checks = await readRequiredChecks(octokit, repository, sha, request.requireChecks);
  return evidence;
}

/** Each required check's state on a commit, from its commit statuses and check runs (exact names). */
export async function readRequiredChecks(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  sha: string,
  requireChecks: readonly string[],
): Promise<WavePullEvidence['checks']> {
  if (requireChecks.length === 0) return [];
  const statuses = await octokit.paginate(octokit.rest.repos.listCommitStatusesForRef, {
    ...repository,
    ref: sha,
    per_page: 100,
  });
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    ...repository,
    ref: sha,
    per_page: 100,
  });
  const checks: WavePullEvidence['checks'] = requireChecks.map((name) => ({
    name,
    state: checkState(
      name,
      statuses,
      runs.filter((r) => r.name === name),
    ),
  }));
  return checks;
}
