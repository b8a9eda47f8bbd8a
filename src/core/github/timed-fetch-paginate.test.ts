import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerChecksAndIssuesRoutes } from '../../../test/support/github-emulator/checks-issues.js';
import { EmulatedRepository } from '../../../test/support/github-emulator/git-repo.js';
import { GitHubEmulator } from '../../../test/support/github-emulator/server.js';
import { createGitHubClient } from './client.js';

const TOKEN = 'ghs_paginateChecks0123456789abcdefABCD';

describe('octokit paginate through the timed fetch', () => {
  let emulator: GitHubEmulator;
  let repo: EmulatedRepository;
  const sha = 'a'.repeat(40);

  beforeAll(async () => {
    repo = await EmulatedRepository.create('octo-org', 'paginate');
    emulator = await new GitHubEmulator().start();
    emulator.validTokens.add(TOKEN);
    const checks = registerChecksAndIssuesRoutes(emulator, repo);
    for (let i = 0; i < 150; i++)
      checks.addCheckRun(sha, {
        name: i % 2 ? 'e2e' : `lint-${i}`,
        status: 'completed',
        conclusion: 'success',
        completedAt: new Date(0).toISOString(),
      });
  });
  afterAll(async () => {
    await emulator?.stop();
    repo?.remove();
  });

  it('follows the check runs list (wrapped with total_count) over several pages', async () => {
    const github = createGitHubClient({ token: TOKEN, apiUrl: emulator.url, retries: 0 });
    const runs = await github.paginate(github.rest.checks.listForRef, {
      owner: 'octo-org',
      repo: 'paginate',
      ref: sha,
      per_page: 100,
    });
    expect(runs).toHaveLength(150);
    expect(runs.filter((r) => r.name === 'e2e')).toHaveLength(75);
    expect(emulator.schemaViolations).toEqual([]);
  });
});
