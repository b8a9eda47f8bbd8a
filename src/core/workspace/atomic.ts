// All-or-nothing multi-file writes: every file is staged as a temp file beside it, then renamed in;
// a failure anywhere removes the temps and restores any file already replaced.
import {
  chmodSync,
  fsyncSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FileChange {
  /** Absolute path (callers resolve and check it with resolveInsideWorkspace first). */
  path: string;
  content: string | Buffer;
}

export type WriteStage = 'stage' | 'commit';

export interface AtomicWriteOptions {
  /** Test hook, called before each file's stage and commit step; throwing simulates a failure there. */
  beforeStep?: (stage: WriteStage, path: string, index: number) => void;
}

/** Writes every change or none: on any failure the files are as before and the error is rethrown. */
export function writeFilesAtomically(changes: readonly FileChange[], options: AtomicWriteOptions = {}): void {
  const staged: { target: string; temp: string; original?: Buffer }[] = [];
  try {
    changes.forEach((change, index) => {
      options.beforeStep?.('stage', change.path, index);
      const original = readIfExists(change.path);
      const temp = join(
        dirname(change.path),
        `.${basename(change.path)}.autopilot-${randomBytes(6).toString('hex')}.tmp`,
      );
      staged.push({ target: change.path, temp, ...(original ? { original } : {}) });
      writeDurably(temp, change.content);
      if (original) chmodSync(temp, statSync(change.path).mode & 0o7777);
    });
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  let committed = 0;
  try {
    staged.forEach(({ target, temp }, index) => {
      options.beforeStep?.('commit', target, index);
      renameSync(temp, target);
      committed++;
    });
  } catch (error) {
    rollBack(staged, committed);
    throw error;
  }
}

function rollBack(staged: { target: string; temp: string; original?: Buffer }[], committed: number): void {
  staged.forEach(({ target, temp, original }, index) => {
    if (index >= committed) {
      rmSync(temp, { force: true });
    } else if (original) {
      const restore = `${temp}.restore`;
      writeDurably(restore, original);
      renameSync(restore, target);
    } else {
      rmSync(target, { force: true });
    }
  });
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function writeDurably(path: string, content: string | Buffer): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let written = 0; written < bytes.length;)
      written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
