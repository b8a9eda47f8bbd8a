// The CLI bundle never prints a token, not even one the server echoes back in an error.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/runner.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const TOKEN = 'not-a-real-token-0123456789';

describe('istio-autopilot masking', () => {
  it('masks a token that the API echoes back in its error', async () => {
    const server = createServer((req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          message: `token ${String(req.headers.authorization).replace(/^token /, '')} is not allowed here`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const repo = mkdtempSync(join(tmpdir(), 'cli-repo-'));
      writeFileSync(join(repo, '.istio-version'), '1.24.2\n');
      const child = spawn(
        process.execPath,
        [CLI, 'check', '--github-token', TOKEN, '--github-api-url', `http://127.0.0.1:${port}`],
        {
          cwd: repo,
          env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'cli-home-')) },
        },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      // check falls back to the bundled dataset (exit 0); its warning carries the server's message.
      expect(code).toBe(0);
      expect(output).toContain('token *** is not allowed here');
      expect(output).not.toContain(TOKEN);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
