import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addReleaseAsset,
  createReleaseState,
  registerReleaseRoutes,
  sha256Hex,
} from '../../../../test/support/github-emulator/releases.js';
import { GitHubEmulator } from '../../../../test/support/github-emulator/server.js';
import { NetworkError } from '../../errors.js';
import { DownloadNotFoundError, downloadFile, downloadText } from './download.js';

const ASSET = 'istioctl-1.31.0-linux-amd64.tar.gz';
const CONTENT = Buffer.alloc(300_000, 'istioctl');
const fast = { retryDelayMs: 5 };

let emulator: GitHubEmulator;
let url: string;
let dest: string;

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  const state = createReleaseState({
    releases: [
      {
        id: 1,
        tag: '1.31.0',
        prerelease: false,
        draft: false,
        createdAt: '2026-08-31T00:00:00Z',
        publishedAt: '2026-08-31T00:00:00Z',
      },
    ],
  });
  registerReleaseRoutes(emulator, state);
  addReleaseAsset(state, '1.31.0', ASSET, CONTENT);
  url = `${emulator.url}/download/1.31.0/${ASSET}`;
  dest = join(mkdtempSync(join(tmpdir(), 'download-')), ASSET);
});

afterEach(async () => {
  await emulator.stop();
});

describe('downloadFile', () => {
  it('follows the redirect, writes the file and hashes it', async () => {
    const file = await downloadFile(url, dest, fast);
    expect(file).toEqual({ path: dest, bytes: CONTENT.length, sha256: sha256Hex(CONTENT) });
    expect(readFileSync(dest).equals(CONTENT)).toBe(true);
  });

  it.each([
    ['a 5xx', { kind: 'status', status: 503 } as const],
    ['a dropped connection', { kind: 'drop' } as const],
    ['a truncated body', { kind: 'truncate' } as const],
    ['a 429 with Retry-After', { kind: 'too-many-requests', retryAfter: 0 } as const],
  ])('retries after %s and then succeeds', async (_name, fault) => {
    emulator.injectFault('/release-assets/', fault, { times: 2 });
    const file = await downloadFile(url, dest, fast);
    expect(file.sha256).toBe(sha256Hex(CONTENT));
    expect(emulator.requests.filter((r) => r.fault === fault.kind)).toHaveLength(2);
  });

  it('gives up after the last try with a NetworkError naming the URL', async () => {
    emulator.injectFault('/release-assets/', { kind: 'status', status: 500 }, { times: 10 });
    const error = await downloadFile(url, dest, { ...fast, attempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`download of ${url} failed after 3 tries: HTTP 500`);
    expect(existsSync(dest)).toBe(false);
  });

  it('does not wait out a Retry-After longer than allowed', async () => {
    emulator.injectFault('/release-assets/', { kind: 'too-many-requests', retryAfter: 3600 });
    const error = await downloadFile(url, dest, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(emulator.requests.filter((r) => r.fault)).toHaveLength(1);
  });

  it('treats a 404 as an answer: no retry', async () => {
    const missing = `${emulator.url}/download/1.31.0/istioctl-1.31.0-linux-arm64.tar.gz`;
    await expect(downloadFile(missing, dest, fast)).rejects.toBeInstanceOf(DownloadNotFoundError);
    expect(emulator.requests).toHaveLength(1);
  });
});

describe('downloadText', () => {
  it('reads the .sha256 beside an asset, retrying a truncated body', async () => {
    emulator.injectFault('/release-assets/', { kind: 'truncate' });
    expect(await downloadText(`${url}.sha256`, fast)).toBe(`${sha256Hex(CONTENT)}  ${ASSET}\n`);
  });
});

describe('download deadlines', () => {
  async function loopback(handler: (res: ServerResponse) => void) {
    const sockets = new Set<Socket>();
    const server = createServer((_req, res) => handler(res));
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/istioctl.tar.gz`,
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise((resolve) => server.close(resolve));
      },
    };
  }

  it('fails within the response timeout when the server accepts and never answers', async () => {
    const server = await loopback(() => undefined);
    try {
      await expect(
        downloadFile(server.url, dest, { ...fast, attempts: 2, responseTimeoutMs: 200 }),
      ).rejects.toThrow(/failed after 2 tries: no response \(no response within 200ms\)/);
    } finally {
      await server.close();
    }
  });

  it('fails within the idle timeout when the body stops flowing', async () => {
    const server = await loopback((res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(10));
    });
    try {
      await expect(
        downloadFile(server.url, dest, { ...fast, attempts: 1, idleTimeoutMs: 200 }),
      ).rejects.toThrow(/the body stalled for 200ms/);
      expect(existsSync(dest)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
