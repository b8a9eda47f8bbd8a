import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../errors.js';
import { createGitHubClient, explainGitHubError } from './client.js';

describe('explainGitHubError', () => {
  it('says GitHub could not be reached instead of echoing the HTTP 500 Octokit invents', async () => {
    // A port that was just freed: nothing listens there, so the connection is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const github = createGitHubClient({ apiUrl: `http://127.0.0.1:${port}`, retries: 0 });
    const error = await github.rest.repos
      .listReleases({ owner: 'istio', repo: 'istio' })
      .catch((e: unknown) => e);
    const explained = explainGitHubError(error, 'listing releases', false);
    expect(explained).toBeInstanceOf(NetworkError);
    expect(explained.message).toMatch(/^could not reach GitHub while listing releases \(.*ECONNREFUSED/);
    expect(explained.input).toBe('github-api-url');
  });

  it('tells an anonymous caller to pass a token when rate limited', () => {
    const error = {
      status: 403,
      message: 'API rate limit exceeded',
      response: { headers: { 'x-ratelimit-remaining': '0' } },
    };
    const explained = explainGitHubError(error, 'listing releases', false);
    expect(explained.input).toBe('github-token');
    expect(explained.hint).toContain('github-token');
  });

  it('keeps the status of an ordinary HTTP failure', () => {
    expect(explainGitHubError({ status: 502, message: 'Bad Gateway' }, 'x', true).message).toContain(
      'HTTP 502',
    );
  });
});
