// The CLI bundle as a runner would stop it: SIGTERM and SIGKILL during a large bump, and two bumps at
// once on one checkout. The tree must end all-old or all-new, with no temp files after a re-run.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { REPO_ROOT } from '../support/runner.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const FILES = 800;
const OLD = '1.30.4';
const git = gitAs(MESH_ADMIN);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `bump` in the background; `killAfterMs` sends `signal` that long after the start. */
function bump(
  repo: string,
  version: string,
  kill?: { afterMs: number; signal: NodeJS.Signals },
): Promise<Run> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [CLI, 'bump', '--version', version, '--offline', '--repo', repo, '--role', 'all'],
    { env: { PATH: process.env.PATH ?? '', HOME: repo } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = kill ? setTimeout(() => child.kill(kill.signal), kill.afterMs) : undefined;
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

/** A git checkout of FILES Helm values files pinned at OLD, spread over 80 folders. */
function largeRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'safety-repo-'));
  for (let n = 0; n < FILES; n++) {
    const dir = join(repo, 'clusters', `c${n % 80}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `istio-values-${n}.yaml`),
      `# cluster ${n}\nglobal:\n  hub: docker.io/istio\n  tag: ${OLD}\n`,
    );
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'istio');
  return repo;
}

function copyOf(repo: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'safety-copy-'));
  cpSync(repo, copy, { recursive: true });
  return copy;
}

/** Every file outside .git, with its content. */
function files(repo: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repo, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (path === '.git') continue;
      if (entry.isDirectory()) walk(path);
      else found.set(path, readFileSync(join(repo, path), 'utf8'));
    }
  };
  walk('');
  return found;
}

/** 'old', 'new' or 'mixed' over the pinned files; temps count as mixed. */
function state(repo: string, version: string): 'old' | 'new' | 'mixed' {
  const tags = [...files(repo)].map(([path, text]) =>
    /\.autopilot-/.test(path) ? 'temp' : (/tag: (\S+)/.exec(text)?.[1] ?? '?'),
  );
  if (tags.length === FILES && tags.every((t) => t === OLD)) return 'old';
  if (tags.length === FILES && tags.every((t) => t === version)) return 'new';
  return 'mixed';
}

describe('a large bump stopped by a signal', () => {
  let template: string;
  let fullRunMs: number;

  beforeAll(async () => {
    template = largeRepo();
    // One undisturbed run says how long a bump takes here, so the signals below land at its stages.
    const reference = copyOf(template);
    const run = await bump(reference, '1.30.5');
    expect(run.stderr).not.toMatch(/error/i);
    expect(state(reference, '1.30.5')).toBe('new');
    fullRunMs = run.ms;
  }, 600_000);

  for (const fraction of [0.15, 0.45, 0.7, 0.9]) {
    it(`leaves the tree all-old or all-new when SIGTERM lands ${fraction * 100}% into the run, and a re-run leaves no temp`, async () => {
      const repo = copyOf(template);
      const stopped = await bump(repo, '1.30.5', {
        afterMs: Math.round(fullRunMs * fraction),
        signal: 'SIGTERM',
      });
      expect(['old', 'new']).toContain(state(repo, '1.30.5'));
      if (stopped.code === 0) expect(state(repo, '1.30.5')).toBe('new');
      const rerun = await bump(repo, '1.30.5');
      expect(rerun.code).toBe(0);
      expect(state(repo, '1.30.5')).toBe('new');
      expect(readdirSync(join(repo, '.git/istio-autopilot')).filter((f) => f !== 'lock')).toEqual([]);
    }, 600_000);
  }

  it('rolls back and cleans up after a SIGKILL mid-write on the next run', async () => {
    const repo = copyOf(template);
    await bump(repo, '1.30.5', { afterMs: Math.round(fullRunMs * 0.7), signal: 'SIGKILL' });
    const rerun = await bump(repo, '1.30.5');
    expect(rerun.code).toBe(0);
    expect(state(repo, '1.30.5')).toBe('new');
  }, 600_000);
});

describe('two bumps at once on one checkout', () => {
  it('never lets both succeed from the same old tree: one waits or fails clearly, no update is lost', async () => {
    const repo = largeRepo();
    const [a, b] = await Promise.all([bump(repo, '1.30.5'), bump(repo, '1.31.0')]);
    const fromOld = (run: Run) => run.code === 0 && run.stdout.includes(`${OLD} -> `);
    // Both reporting a move from the old version means one overwrote the other's edits unseen.
    expect(fromOld(a) && fromOld(b)).toBe(false);
    const failed = [a, b].filter((r) => r.code !== 0);
    for (const run of failed)
      expect(run.stderr).toMatch(/changed since this run read it|another istio-autopilot run .* is writing/);
    // The tree holds exactly what the run that succeeded last wrote: all one version.
    const tags = new Set([...files(repo).values()].map((text) => /tag: (\S+)/.exec(text)?.[1]));
    expect(tags.size).toBe(1);
    expect([...files(repo).keys()].some((path) => path.includes('.autopilot-'))).toBe(false);
  }, 600_000);
});
