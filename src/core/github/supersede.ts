// Closing the upgrade PRs a newer one supersedes: same component (read from their metadata block),
// an older target.
import type { Logger } from '../logger.js';
import { parseMetadata, type PullRequestMetadata } from '../report/pr-metadata.js';
import { compareVersions, isIstioVersion } from '../versions/parse.js';
import type { GitHubClient } from './client.js';
import { closePull, type OpenPull } from './pull-request.js';

export async function closeSuperseded(
  octokit: GitHubClient,
  repository: { owner: string; repo: string },
  base: string,
  current: OpenPull,
  metadata: PullRequestMetadata,
  deleteBranch: boolean,
  logger: Logger,
): Promise<{ number: number; url: string }[]> {
  if (!metadata.to || !isIstioVersion(metadata.to)) return [];
  const open = await octokit.paginate(octokit.rest.pulls.list, {
    ...repository,
    base,
    state: 'open',
    per_page: 100,
  });
  const closed: { number: number; url: string }[] = [];
  for (const pull of open) {
    if (pull.number === current.number) continue;
    const other = parseMetadata(pull.body);
    if (!other || other.component !== metadata.component || !other.to || !isIstioVersion(other.to)) continue;
    if (compareVersions(other.to, metadata.to) >= 0) continue;
    await closePull(
      octokit,
      repository,
      pull,
      `Superseded by #${current.number} (${current.html_url}), which upgrades ${metadata.component} to ${metadata.to} instead of ${other.to}.`,
      deleteBranch,
      logger,
    );
    closed.push({ number: pull.number, url: pull.html_url });
  }
  return closed;
}
