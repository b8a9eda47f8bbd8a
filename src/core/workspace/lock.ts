// Where a workspace's write state lives (its lock and journal), and the lock that keeps two writers
// off one tree: the second waits briefly, then fails naming the holder.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { AutopilotError } from '../errors.js';

/** Another run holds the workspace's write lock longer than we wait. */
export class WorkspaceBusyError extends AutopilotError {}

const DEFAULT_LOCK_WAIT_MS = 10_000;

/**
 * The directory holding the lock and journal of writes under `root`: inside the git dir when there is
 * one (never committed, survives the run), else under RUNNER_TEMP or the system temp dir.
 */
export function writeStateDir(root: string): string {
  const existing = existingWriteStateDir(root);
  if (existing) return existing;
  const gitDir = gitDirOf(root);
  if (gitDir) {
    const dir = join(gitDir, 'istio-autopilot');
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // A read-only git dir: fall back to the temp dir below.
    }
  }
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const dir = join(process.env.RUNNER_TEMP || tmpdir(), `istio-autopilot-writes-${key}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The state directory if a write ever made one (a cheap look for a journal before reading). */
export function existingWriteStateDir(root: string): string | undefined {
  const gitDir = gitDirOf(root);
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const candidates = [
    ...(gitDir ? [join(gitDir, 'istio-autopilot')] : []),
    join(process.env.RUNNER_TEMP || tmpdir(), `istio-autopilot-writes-${key}`),
  ];
  return candidates.find((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
}

/** `.git` as a directory, or the `gitdir:` a worktree's `.git` file names. */
function gitDirOf(root: string): string | undefined {
  const dotGit = join(root, '.git');
  const stats = statSync(dotGit, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return dotGit;
  if (!stats?.isFile()) return undefined;
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!match) return undefined;
  const dir = isAbsolute(match[1]!) ? match[1]! : resolve(root, match[1]!);
  return existsSync(dir) ? dir : undefined;
}

/** The nearest directory at or above `dir` that is a git checkout, else `dir` itself. */
export function workspaceRootOf(dir: string): string {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return dir;
  }
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface WorkspaceLock {
  release(): void;
}

/** Takes the lock in `stateDir`, waiting up to `waitMs` for a live holder; a dead holder's lock is taken over. */
export function lockWorkspace(stateDir: string, root: string, waitMs = DEFAULT_LOCK_WAIT_MS): WorkspaceLock {
  const file = join(stateDir, 'lock');
  const deadline = Date.now() + waitMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(owner));
      } finally {
        closeSync(fd);
      }
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readOwner(file);
    if (holder && !isAlive(holder)) {
      // The run that held it was killed; its journal (if any) is recovered by the caller.
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'another run';
      throw new WorkspaceBusyError(`another istio-autopilot run (${who}) is writing ${root}`, {
        file,
        hint: `Run one writer per checkout at a time. If no run is active, delete ${file} and re-run.`,
      });
    }
    sleepSync(pause);
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return undefined;
    return { pid: owner.pid, host: owner.host, since: String(owner.since ?? '') };
  } catch {
    // Half-written by a holder that is starting right now: treat it as alive.
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another host (a shared volume) cannot be checked; it is waited for.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The writes are synchronous end to end (so no signal lands half-way), and so is waiting for the lock. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
