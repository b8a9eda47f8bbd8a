// The journal of one multi-file write: what was staged where and which originals were set aside,
// so a run killed half-way is rolled back by the next one, and temp files never pile up.
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';

export interface JournalEntry {
  target: string;
  /** The new content, staged beside the target. */
  temp: string;
  /** A hard link to (or copy of) the original, so a rollback restores its inode, mode and owner. */
  backup?: string;
  /**
   * The change deletes the target: nothing is staged at `temp`, the commit unlinks the target, and a
   * rollback renames the backup back (a deletion always has one, because only existing files are deleted).
   */
  delete?: true;
}

export interface Journal {
  /** `staging`: temps are being written; `renaming`: targets are being replaced; `committed`: all done. */
  phase: 'staging' | 'renaming' | 'committed';
  pid: number;
  root: string;
  entries: JournalEntry[];
}

/** Every temp this module makes: `.<name>.autopilot-<id>.tmp` and `.<name>.autopilot-<id>.orig.tmp`. */
const TEMP_FILE = /^\..*\.autopilot-[0-9a-f]{12}(?:\.orig)?\.tmp$/;

export function journalFile(stateDir: string): string {
  return join(stateDir, 'journal.json');
}

/** Writes the journal durably (temp, fsync, rename) so a crash leaves the old or the new one whole. */
export function saveJournal(stateDir: string, journal: Journal): void {
  const file = journalFile(stateDir);
  writeDurably(`${file}.new`, JSON.stringify(journal), 0o600, 'w');
  renameSync(`${file}.new`, file);
}

export function dropJournal(stateDir: string): void {
  rmSync(journalFile(stateDir), { force: true });
}

/**
 * Undoes what an unfinished write did: originals put back, new files removed, temps deleted. Safe to
 * run twice, and at any point of the rename phase, because each step checks what is on disk.
 */
export function rollBackJournal(journal: Journal): void {
  for (const entry of [...journal.entries].reverse()) {
    const tempLeft = exists(entry.temp);
    if (entry.backup) {
      if (exists(entry.backup)) renameSync(entry.backup, entry.target);
      // Renaming a link onto the same inode is a no-op that leaves the link: drop it.
      rmSync(entry.backup, { force: true });
    } else if (!entry.delete && !tempLeft && journal.phase === 'renaming') {
      // A new file whose temp is gone was renamed in: remove it again.
      rmSync(entry.target, { force: true });
    }
    rmSync(entry.temp, { force: true });
  }
}

/** Drops the originals set aside once every target holds its new content. */
export function finishJournal(journal: Journal): void {
  for (const entry of journal.entries) {
    rmSync(entry.temp, { force: true });
    if (entry.backup) rmSync(entry.backup, { force: true });
  }
}

/**
 * Settles a write a killed run left behind (the caller holds the lock, so its writer is gone): rolled
 * back unless it had committed, then forgotten. Returns what was done, for the log.
 */
export function recoverJournal(
  stateDir: string,
  logger: Logger = silentLogger,
): { outcome: 'none' | 'rolled-back' | 'finished'; directories: string[] } {
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(journalFile(stateDir), 'utf8')) as Journal;
  } catch (error) {
    // Unreadable: it was being replaced when the run died; the temps are swept by name instead.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') dropJournal(stateDir);
    return { outcome: 'none', directories: [] };
  }
  const directories = [...new Set(journal.entries.map((e) => dirname(e.target)))];
  if (journal.phase === 'committed') {
    finishJournal(journal);
    dropJournal(stateDir);
    logger.info(`finished cleaning up an earlier run's write (process ${journal.pid})`);
    return { outcome: 'finished', directories };
  }
  rollBackJournal(journal);
  dropJournal(stateDir);
  logger.warning(
    `an earlier run (process ${journal.pid}) was stopped while writing ${journal.entries.length} files; they were restored to their previous content`,
  );
  return { outcome: 'rolled-back', directories };
}

/** Removes temps left in `directories` by runs that no journal remembers (killed before writing one, or old versions). */
export function sweepStaleTemps(directories: Iterable<string>): number {
  let removed = 0;
  for (const directory of directories) {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!TEMP_FILE.test(name)) continue;
      rmSync(join(directory, name), { force: true });
      removed++;
    }
  }
  return removed;
}

export function tempPathFor(target: string, id: string, suffix: '' | '.orig'): string {
  return join(dirname(target), `.${basename(target)}.autopilot-${id}${suffix}.tmp`);
}

export function writeDurably(
  path: string,
  content: string | Buffer,
  mode: number,
  flag: 'wx' | 'w' = 'wx',
): void {
  const fd = openSync(path, flag, mode);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let written = 0; written < bytes.length;)
      written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}
