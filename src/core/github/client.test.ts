import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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

/** A loopback server whose handler decides what to do with each request. */
async function loopback(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('GitHub calls have deadlines and check what comes back', () => {
  it('fails with a clear error within the timeout when the API accepts the connection and never answers', async () => {
    let requests = 0;
    const server = await loopback(() => {
      requests++; // never answers
    });
    try {
      const github = createGitHubClient({ apiUrl: server.url, timeoutMs: 300, retries: 3 });
      const error = await github.rest.repos
        .listReleases({ owner: 'istio', repo: 'istio' })
        .catch((e: unknown) => e);
      const explained = explainGitHubError(error, 'listing releases', false);
      expect(explained).toBeInstanceOf(NetworkError);
      expect(explained.message).toBe(
        `GitHub did not answer GET ${server.url}/repos/istio/istio/releases within 300ms while listing releases`,
      );
      expect(explained.input).toBe('github-api-url');
      // The deadline is not multiplied by the retries.
      expect(requests).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('fails within the timeout when the answer starts and the body never ends', async () => {
    const server = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"tag_name": "1.2');
    });
    try {
      const github = createGitHubClient({ apiUrl: server.url, timeoutMs: 300, retries: 0 });
      const error = await github.rest.repos
        .listReleases({ owner: 'istio', repo: 'istio' })
        .catch((e: unknown) => e);
      expect(explainGitHubError(error, 'listing releases', false).message).toMatch(
        /did not answer .* within/,
      );
    } finally {
      await server.close();
    }
  });

  it('says the API answered with something that is not JSON instead of `data.map is not a function`', async () => {
    const server = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Please log in to the proxy</html>');
    });
    try {
      const github = createGitHubClient({ apiUrl: server.url, retries: 0 });
      const error = await github.rest.repos
        .listReleases({ owner: 'istio', repo: 'istio' })
        .catch((e: unknown) => e);
      const explained = explainGitHubError(error, 'listing releases', false);
      expect(explained.message).toMatch(
        /with text\/html that is not valid JSON \(starting "<html>Please log in/,
      );
    } finally {
      await server.close();
    }
  });

  it('says so when the JSON itself is broken', async () => {
    const server = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('[{"tag_name": ');
    });
    try {
      const github = createGitHubClient({ apiUrl: server.url, retries: 0 });
      const error = await github.rest.repos
        .listReleases({ owner: 'istio', repo: 'istio' })
        .catch((e: unknown) => e);
      expect(explainGitHubError(error, 'listing releases', false).message).toMatch(/that is not valid JSON/);
    } finally {
      await server.close();
    }
  });

  it('waits as long as a 429 Retry-After asks, then retries', async () => {
    let requests = 0;
    const server = await loopback((_req, res) => {
      requests++;
      if (requests === 1) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end('{"message":"Too Many Requests"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[]');
      }
    });
    try {
      const logged: string[] = [];
      const github = createGitHubClient({ apiUrl: server.url, retries: 2, log: (m) => logged.push(m) });
      const response = await github.rest.repos.listReleases({ owner: 'istio', repo: 'istio' });
      expect(response.data).toEqual([]);
      expect(requests).toBe(2);
      expect(logged[0]).toMatch(/HTTP 429 .*retrying in 1s as asked/);
    } finally {
      await server.close();
    }
  });

  it('fails clearly when Retry-After is longer than the cap, without waiting', async () => {
    const server = await loopback((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' });
      res.end('{"message":"Too Many Requests"}');
    });
    try {
      const github = createGitHubClient({ apiUrl: server.url, retries: 2, maxRetryAfterSeconds: 60 });
      const error = await github.rest.repos
        .listReleases({ owner: 'istio', repo: 'istio' })
        .catch((e: unknown) => e);
      expect(explainGitHubError(error, 'listing releases', true).message).toMatch(
        /asked to wait 3600s \(Retry-After\).*longer than the 60s this run waits/,
      );
    } finally {
      await server.close();
    }
  });
});
