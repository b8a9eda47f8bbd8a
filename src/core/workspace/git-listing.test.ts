import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { gitFilesMentioning, gitListedFiles } from './git-listing.js';

const originalPath = process.env['PATH'];
const dirs: string[] = [];
afterEach(() => {
  process.env['PATH'] = originalPath;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout whose `git` never answers: a stand-in on PATH that sleeps far past the deadline. */
function checkoutWithStuckGit(): string {
  const root = mkdtempSync(join(tmpdir(), 'git-listing-'));
  dirs.push(root);
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'a.yaml'), 'kind: Pod\n');
  const bin = join(root, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'git'), '#!/bin/sh\nexec sleep 30\n');
  chmodSync(join(bin, 'git'), 0o755);
  process.env['PATH'] = `${bin}${delimiter}${originalPath}`;
  return root;
}

function debugLines(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const ignore = () => undefined;
  return { logger: { info: ignore, notice: ignore, warning: ignore, debug: (m) => lines.push(m) }, lines };
}

describe.skipIf(process.platform === 'win32')('git listing deadline', () => {
  it('gives up on a git that does not answer, and says so, instead of hanging the scan', () => {
    const root = checkoutWithStuckGit();
    const { logger, lines } = debugLines();
    expect(gitListedFiles(root, logger, 300)).toBeUndefined();
    expect(gitFilesMentioning(root, ['proxyv2'], false, logger, 300)).toBeUndefined();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/ETIMEDOUT/);
  });
});
