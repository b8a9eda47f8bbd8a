import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { gitAs, MESH_ADMIN } from '../../../test/support/git.js';
import { gitFilesMentioning, gitListedFiles, gitListing, UNTRACKED_READ_LIMIT } from './git-listing.js';

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
  gitOnPath(root, 'exec sleep 30');
  return root;
}

/** Puts a `git` shell script ahead of the real one on PATH. */
function gitOnPath(root: string, script: string): void {
  const bin = mkdtempSync(join(tmpdir(), 'git-listing-bin-'));
  dirs.push(bin);
  writeFileSync(join(bin, 'git'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, 'git'), 0o755);
  process.env['PATH'] = `${bin}${delimiter}${originalPath}`;
}

const git = gitAs(MESH_ADMIN);

/** A real checkout: two tracked files (one with the keyword), and `untracked` more files untracked. */
function checkout(untracked: number): string {
  const root = mkdtempSync(join(tmpdir(), 'git-listing-'));
  dirs.push(root);
  git(root, 'init', '-q');
  writeFileSync(join(root, 'pinned.yaml'), 'image: docker.io/istio/proxyv2:1.30.4\n');
  writeFileSync(join(root, 'plain.yaml'), 'kind: ConfigMap\n');
  writeFileSync(join(root, '.gitignore'), 'ignored.yaml\n');
  writeFileSync(join(root, 'ignored.yaml'), 'image: docker.io/istio/proxyv2:1.30.4\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'start');
  writeFileSync(join(root, 'new-pin.yaml'), 'image: docker.io/istio/proxyv2:1.31.0\n');
  for (let i = 1; i < untracked; i++) writeFileSync(join(root, `new-${i}.yaml`), 'kind: Service\n');
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

describe.skipIf(process.platform === 'win32')('git listing and search at once', () => {
  const paths = (listing: ReturnType<typeof gitListing>) =>
    listing && {
      listed: listing.listed.map((e) => e.path).sort(),
      mentioning: [...(listing.mentioning ?? [])].sort(),
    };

  it('lists what ls-files lists and finds what grep finds, leaving a few untracked files to the reader', () => {
    const root = checkout(3);
    const listing = gitListing(root, ['proxyv2:'], debugLines().logger);
    expect(paths(listing)?.listed).toEqual([
      '.gitignore',
      'new-1.yaml',
      'new-2.yaml',
      'new-pin.yaml',
      'pinned.yaml',
      'plain.yaml',
    ]);
    expect(listing?.listed.find((e) => e.path === 'pinned.yaml')?.mode).toBe('100644');
    expect(listing?.listed.find((e) => e.path === 'new-pin.yaml')?.mode).toBeUndefined();
    // Tracked: only what holds the keyword. Untracked: all of them, for the reader's own check.
    expect(paths(listing)?.mentioning).toEqual(['new-1.yaml', 'new-2.yaml', 'new-pin.yaml', 'pinned.yaml']);
    // Each file that holds the keyword is in it, as when the two ran one after the other.
    const sequential = gitFilesMentioning(root, ['proxyv2:'], true, debugLines().logger)!;
    for (const path of sequential) expect(listing?.mentioning?.has(path)).toBe(true);
  });

  it('has git search the untracked files too when there are many', () => {
    const root = checkout(UNTRACKED_READ_LIMIT + 2);
    const listing = gitListing(root, ['proxyv2:'], debugLines().logger);
    expect(listing?.listed.filter((e) => e.mode === undefined)).toHaveLength(UNTRACKED_READ_LIMIT + 2);
    expect(paths(listing)?.mentioning).toEqual(['new-pin.yaml', 'pinned.yaml']);
  });

  it('reads every file when only the search fails, and walks when the listing fails', () => {
    const root = checkout(1);
    gitOnPath(
      root,
      `[ "$3" = grep ] && { echo 'grep broke' >&2; exit 2; }; exec ${JSON.stringify(realGit())} "$@"`,
    );
    const searchFailed = debugLines();
    const listing = gitListing(root, ['proxyv2:'], searchFailed.logger);
    expect(listing?.listed).toHaveLength(4);
    expect(listing?.mentioning).toBeUndefined();
    expect(searchFailed.lines).toEqual([
      'git grep could not search the workspace (grep broke); reading every file instead',
    ]);
    gitOnPath(
      root,
      `[ "$3" = ls-files ] && { echo 'index broke' >&2; exit 128; }; exec ${JSON.stringify(realGit())} "$@"`,
    );
    const listingFailed = debugLines();
    expect(gitListing(root, ['proxyv2:'], listingFailed.logger)).toBeUndefined();
    expect(listingFailed.lines).toEqual([
      'git could not list the workspace files (index broke); walking the directories instead',
    ]);
  });

  it('stops both git processes at the deadline instead of leaving them running', async () => {
    const root = checkoutWithStuckGit();
    const pids = join(root, 'stand-in.pids');
    gitOnPath(root, `echo $$ >> ${JSON.stringify(pids)}; exec sleep 30`);
    const { logger, lines } = debugLines();
    expect(gitListing(root, ['proxyv2'], logger, 300)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ETIMEDOUT/);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started).toHaveLength(2);
    // The shell's trap stops both; without it each would sleep on for 30 s.
    for (let wait = 0; wait < 50 && started.some(alive); wait++) await new Promise((r) => setTimeout(r, 40));
    expect(started.filter(alive)).toEqual([]);
  });
});

/** Whether a process still runs (one that has exited but is not yet reaped does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) [ZX]/.test(stat);
}

/** The real git's path, found before any stand-in is put on PATH. */
function realGit(): string {
  return execFileSync('sh', ['-c', 'command -v git'], {
    encoding: 'utf8',
    env: { PATH: originalPath },
  }).trim();
}
