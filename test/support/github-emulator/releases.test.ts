import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkResponse } from './openapi.js';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
  sha256Hex,
  type ReleaseState,
} from './releases.js';
import { GitHubEmulator } from './server.js';

const listOp = { path: '/repos/{owner}/{repo}/releases', method: 'GET' };
const byTagOp = { path: '/repos/{owner}/{repo}/releases/tags/{tag}', method: 'GET' };

let emulator: GitHubEmulator;
let state: ReleaseState;

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  state = createReleaseState({ releases: buildIstioReleaseHistory() });
  registerReleaseRoutes(emulator, state);
  addReleaseAsset(state, '1.31.0', 'istioctl-1.31.0-linux-amd64.tar.gz', Buffer.from('archive bytes'));
});

afterEach(async () => {
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

function nextLink(link: string | null): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
}

describe('release history', () => {
  it('has hundreds of releases with prereleases, drafts and non-version tags', () => {
    const releases = buildIstioReleaseHistory();
    expect(releases.length).toBeGreaterThan(300);
    expect(releases.some((r) => r.prerelease && /-rc\.\d+$/.test(r.tag))).toBe(true);
    expect(releases.filter((r) => r.draft).every((r) => r.publishedAt === null)).toBe(true);
    expect(releases.some((r) => r.draft)).toBe(true);
    expect(releases.some((r) => r.tag === '1.15-beta.0')).toBe(true);
    expect(new Set(releases.map((r) => r.tag)).size).toBe(releases.length);
  });

  it('honours a last patch per minor and can leave drafts out', () => {
    const releases = buildIstioReleaseHistory({ lastPatch: { 30: 4 }, drafts: false });
    const patches30 = releases.filter((r) => /^1\.30\.\d+$/.test(r.tag)).map((r) => r.tag);
    expect(patches30).toEqual(['1.30.0', '1.30.1', '1.30.2', '1.30.3', '1.30.4']);
    expect(releases.some((r) => r.draft)).toBe(false);
  });
});

describe('GET /repos/{owner}/{repo}/releases', () => {
  it('pages through every release, newest first, with Link headers GitHub would send', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${emulator.url}/repos/istio/istio/releases?per_page=100`;
    let pages = 0;
    let lastLink = '';
    while (url) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { tag_name: string; created_at: string }[];
      expect(checkResponse(listOp, 200, body)).toEqual([]);
      seen.push(...body.map((r) => r.tag_name));
      lastLink = res.headers.get('link') ?? '';
      if (pages === 0) {
        expect(lastLink).toContain('rel="next"');
        expect(lastLink).toMatch(/page=\d+>; rel="last"/);
        expect(res.headers.get('x-ratelimit-remaining')).toBe('59');
      }
      url = nextLink(res.headers.get('link'));
      pages++;
    }
    expect(seen).toHaveLength(state.releases.length);
    expect(pages).toBe(Math.ceil(state.releases.length / 100));
    expect(lastLink).toContain('rel="prev"');
    expect(lastLink).not.toContain('rel="next"');
    // Drafts come first: they were created last.
    expect(seen[0]).toBe('1.32.0');
  });

  it('defaults to 30 per page and caps per_page at 100', async () => {
    const small = (await (await fetch(`${emulator.url}/repos/istio/istio/releases`)).json()) as unknown[];
    expect(small).toHaveLength(30);
    const capped = (await (
      await fetch(`${emulator.url}/repos/istio/istio/releases?per_page=500`)
    ).json()) as unknown[];
    expect(capped).toHaveLength(100);
  });

  it('answers 304 to a matching If-None-Match without using the rate limit', async () => {
    const first = await fetch(`${emulator.url}/repos/istio/istio/releases?per_page=100&page=2`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const second = await fetch(`${emulator.url}/repos/istio/istio/releases?per_page=100&page=2`, {
      headers: { 'if-none-match': etag! },
    });
    expect(second.status).toBe(304);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect(second.headers.get('link')).toContain('rel="next"');
    const stale = await fetch(`${emulator.url}/repos/istio/istio/releases?per_page=100&page=2`, {
      headers: { 'if-none-match': '"stale"' },
    });
    expect(stale.status).toBe(200);
  });

  it('compares If-None-Match weakly, takes a list or *, and varies the ETag with the token', async () => {
    const page = `${emulator.url}/repos/istio/istio/releases?per_page=100`;
    const etag = (await fetch(page)).headers.get('etag')!;
    const ask = (ifNoneMatch: string, token?: string) =>
      fetch(page, {
        headers: { 'if-none-match': ifNoneMatch, ...(token ? { authorization: `token ${token}` } : {}) },
      }).then((r) => r.status);
    expect(await ask(`"other", ${etag}`)).toBe(304);
    expect(await ask(etag.replace(/^W\//, ''))).toBe(304);
    expect(await ask('*')).toBe(304);
    // Another token sees another ETag, as on GitHub: a per-run GITHUB_TOKEN never gets a 304.
    expect(await ask(etag, 'ghs_another_token')).toBe(200);
    const tokenEtag = (
      await fetch(page, { headers: { authorization: 'token ghs_another_token' } })
    ).headers.get('etag')!;
    expect(tokenEtag).not.toBe(etag);
    expect(await ask(tokenEtag, 'ghs_another_token')).toBe(304);
  });

  it('lists the published assets and their .sha256 files with download URLs', async () => {
    const res = await fetch(`${emulator.url}/repos/istio/istio/releases/tags/1.31.0`);
    const body = (await res.json()) as {
      assets: { name: string; browser_download_url: string; digest: string }[];
    };
    expect(checkResponse(byTagOp, 200, body)).toEqual([]);
    expect(body.assets.map((a) => a.name)).toEqual([
      'istioctl-1.31.0-linux-amd64.tar.gz',
      'istioctl-1.31.0-linux-amd64.tar.gz.sha256',
    ]);
    expect(body.assets[0]!.browser_download_url).toBe(
      `${downloadBaseUrl(emulator, state)}/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz`,
    );
    expect(body.assets[0]!.digest).toBe(`sha256:${sha256Hex('archive bytes')}`);
  });

  it('404s for another repository', async () => {
    const res = await fetch(`${emulator.url}/repos/istio/api/releases`);
    expect(res.status).toBe(404);
  });
});

describe('GET /repos/{owner}/{repo}/releases/tags/{tag}', () => {
  it('returns a published release and 404s for drafts and unknown tags', async () => {
    const ok = await fetch(`${emulator.url}/repos/istio/istio/releases/tags/1.30.4`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { tag_name: string }).tag_name).toBe('1.30.4');
    const draft = await fetch(`${emulator.url}/repos/istio/istio/releases/tags/1.32.0`);
    expect(draft.status).toBe(404);
    expect(checkResponse(byTagOp, 404, await draft.json())).toEqual([]);
    expect((await fetch(`${emulator.url}/repos/istio/istio/releases/tags/9.9.9`)).status).toBe(404);
  });
});

describe('downloads', () => {
  const asset = '/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz';

  it('redirects to storage and serves the bytes and a sha256sum-style checksum file', async () => {
    const redirect = await fetch(`${emulator.url}${asset}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const res = await fetch(`${emulator.url}${asset}`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('archive bytes');
    const sum = await (await fetch(`${emulator.url}${asset}.sha256`)).text();
    expect(sum).toBe(`${sha256Hex('archive bytes')}  istioctl-1.31.0-linux-amd64.tar.gz\n`);
  });

  it('serves a doctored checksum file, or none, when told to', async () => {
    state.checksumFiles.set('1.31.0/istioctl-1.31.0-linux-amd64.tar.gz', `${'0'.repeat(64)}  x\n`);
    expect(await (await fetch(`${emulator.url}${asset}.sha256`)).text()).toBe(`${'0'.repeat(64)}  x\n`);
    state.checksumFiles.set('1.31.0/istioctl-1.31.0-linux-amd64.tar.gz', null);
    expect((await fetch(`${emulator.url}${asset}.sha256`)).status).toBe(404);
  });

  it('404s for an asset that was not published', async () => {
    const res = await fetch(`${emulator.url}/download/1.31.0/istioctl-1.31.0-linux-arm64.tar.gz`);
    expect(res.status).toBe(404);
  });
});

describe('faults', () => {
  const list = '/repos/istio/istio/releases';

  it('injects a 5xx once, then serves normally', async () => {
    emulator.injectFault(list, { kind: 'status', status: 502 });
    expect((await fetch(`${emulator.url}${list}`)).status).toBe(502);
    expect((await fetch(`${emulator.url}${list}`)).status).toBe(200);
    expect(emulator.requests.map((r) => r.fault)).toEqual(['status', undefined]);
  });

  it('injects a primary rate limit with remaining 0', async () => {
    emulator.injectFault(list, { kind: 'primary-rate-limit' });
    const res = await fetch(`${emulator.url}${list}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await res.json()) as { message: string }).message).toMatch(/rate limit exceeded/);
  });

  it('rate-limits for real once the anonymous quota is used up', async () => {
    emulator.rateLimitRemainingOverride = 0;
    const res = await fetch(`${emulator.url}${list}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('injects a secondary rate limit with Retry-After', async () => {
    emulator.injectFault(list, { kind: 'secondary-rate-limit', retryAfter: 7 });
    const res = await fetch(`${emulator.url}${list}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });

  it('injects a 429 with Retry-After', async () => {
    emulator.injectFault(list, { kind: 'too-many-requests', retryAfter: 3 });
    const res = await fetch(`${emulator.url}${list}`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('drops the connection', async () => {
    emulator.injectFault('/download/', { kind: 'drop' });
    await expect(
      fetch(`${emulator.url}/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz`),
    ).rejects.toThrow();
  });

  it('truncates a body short of its Content-Length', async () => {
    emulator.injectFault('/release-assets/', { kind: 'truncate' });
    const res = await fetch(`${emulator.url}/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});
