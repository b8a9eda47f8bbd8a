// All-or-nothing multi-file writes: under the workspace's lock, every file is staged beside its target,
// then renamed in (or, for a deletion, unlinked) under a journal; a failure, a signal or a killed run
// leaves every file as it was.
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { AutopilotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import {
  dropJournal,
  finishJournal,
  journalFile,
  recoverJournal,
  rollBackJournal,
  saveJournal,
  sweepStaleTemps,
  tempPathFor,
  writeDurably,
  type Journal,
  type JournalEntry,
} from './journal.js';
import {
  existingWriteStateDir,
  lockWorkspace,
  WorkspaceBusyError,
  workspaceRootOf,
  writeStateDir,
} from './lock.js';
import { explainFileError } from './os-errors.js';

export interface FileChange {
  /** Absolute path (callers resolve and check it with resolveInsideWorkspace first). */
  path: string;
  /**
   * The new content; null deletes the file in the same all-or-nothing change (its original is set
   * aside like a replaced file's, so a rollback or a killed run brings it back). Deleting a file that
   * does not exist is nothing to do.
   */
  content: string | Buffer | null;
  /**
   * What the file held when it was read (null: it did not exist). When given, a file that differs at
   * commit time fails the whole write instead of losing someone else's edit.
   */
  expected?: string | Buffer | null;
}

/** A file changed between our read and our write (another run, or a person). */
export class FileChangedError extends AutopilotError {}

export type WriteStage = 'stage' | 'commit';

export interface AtomicWriteOptions {
  /** The workspace the files are in (lock and journal are per workspace). Default: the git checkout holding them. */
  root?: string;
  /** How long to wait for another writer of the same workspace (default 10 s). */
  lockWaitMs?: number;
  logger?: Logger;
  /** Test hook, called before each file's stage and commit step; throwing simulates a failure there. */
  beforeStep?: (stage: WriteStage, path: string, index: number) => void;
}

/** Writes every change or none: on any failure the files are as before and the error is rethrown. */
export function writeFilesAtomically(changes: readonly FileChange[], options: AtomicWriteOptions = {}): void {
  if (changes.length === 0) return;
  const logger = options.logger ?? silentLogger;
  const root = options.root ?? workspaceRootOf(commonDirectory(changes.map((c) => c.path)));
  deferSignalsWhileWriting();
  const stateDir = writeStateDir(root);
  const lock = lockWorkspace(stateDir, root, options.lockWaitMs);
  try {
    const rolledBack = recoverInterruptedWrite(
      stateDir,
      changes.map((c) => dirname(c.path)),
      logger,
    );
    // This run may have read files that the rollback just changed: nothing it planned can be trusted.
    if (rolledBack.length > 0) throw rolledBackError(rolledBack[0]!);
    const { kept, journal } = plannedJournal(changes, root);
    saveJournal(stateDir, journal);
    try {
      journal.entries.forEach((entry, index) => {
        options.beforeStep?.('stage', entry.target, index);
        stage(entry, kept[index]!.change.content, kept[index]!.original);
      });
      journal.phase = 'renaming';
      saveJournal(stateDir, journal);
      journal.entries.forEach((entry, index) => {
        options.beforeStep?.('commit', entry.target, index);
        if (entry.delete) unlinkSync(entry.target);
        else renameSync(entry.temp, entry.target);
      });
    } catch (error) {
      rollBackJournal(journal);
      dropJournal(stateDir);
      throw explainFileError(error, 'writing');
    }
    journal.phase = 'committed';
    saveJournal(stateDir, journal);
    finishJournal(journal);
    dropJournal(stateDir);
  } finally {
    lock.release();
  }
}

function rolledBackError(file: string): FileChangedError {
  return new FileChangedError('an interrupted earlier write was rolled back after this run read the files', {
    file,
    hint: 'Nothing was written. Run again: the files are back to their content before the interrupted run.',
  });
}

/** The changes checked against what the run read, and the journal of the ones that change a file. */
function plannedJournal(changes: readonly FileChange[], root: string) {
  const originals = changes.map((change) => checkUnchanged(change));
  // A deletion of a file that is not there changes nothing: it has no journal entry.
  const kept = changes.flatMap((change, index) =>
    change.content === null && !originals[index] ? [] : [{ change, original: originals[index] }],
  );
  const id = randomBytes(6).toString('hex');
  const journal: Journal = {
    phase: 'staging',
    pid: process.pid,
    root,
    entries: kept.map(({ change, original }) => ({
      target: change.path,
      temp: tempPathFor(change.path, id, ''),
      ...(original ? { backup: tempPathFor(change.path, id, '.orig') } : {}),
      ...(change.content === null ? { delete: true as const } : {}),
    })),
  };
  return { kept, journal };
}

/** Rolls back (or finishes) a write a killed run left in `root`, and removes stray temps; takes the lock. */
export function recoverInterruptedWrites(
  root: string,
  directories: readonly string[] = [],
  logger?: Logger,
): void {
  const stateDir = writeStateDir(root);
  const lock = lockWorkspace(stateDir, root);
  try {
    recoverInterruptedWrite(stateDir, directories, logger ?? silentLogger);
  } finally {
    lock.release();
  }
}

/**
 * Before a run reads the workspace: if a killed run left a journal and no live run holds the lock,
 * settle it now, so the files are read as they were before that run (never half-written).
 */
export function recoverBeforeReading(root: string, logger: Logger = silentLogger): void {
  const stateDir = existingWriteStateDir(root);
  if (!stateDir || !existsSync(journalFile(stateDir))) return;
  let lock;
  try {
    lock = lockWorkspace(stateDir, root, 0);
  } catch (error) {
    // A live writer owns the journal; the commit-time checks keep this run from racing it.
    if (error instanceof WorkspaceBusyError) return;
    throw error;
  }
  try {
    recoverInterruptedWrite(stateDir, [], logger);
  } finally {
    lock.release();
  }
}

/** Settles a left-over journal and sweeps stray temps; returns the folders a rollback just changed. */
function recoverInterruptedWrite(stateDir: string, directories: readonly string[], logger: Logger): string[] {
  const { outcome, directories: touched } = recoverJournal(stateDir, logger);
  const swept = sweepStaleTemps(new Set([...directories, ...touched]));
  if (swept > 0) logger.info(`removed ${swept} temp files an interrupted run left behind`);
  return outcome === 'rolled-back' ? touched : [];
}

/** The target's stats when it exists; throws when its content is not what the caller read. */
function checkUnchanged(change: FileChange): Stats | undefined {
  const stats = lstatSync(change.path, { throwIfNoEntry: false });
  if (change.expected === undefined) return stats;
  const now = stats ? readFileSync(change.path) : null;
  const expected =
    typeof change.expected === 'string' ? Buffer.from(change.expected, 'utf8') : change.expected;
  const same = now === null || expected === null ? now === expected : now.equals(expected);
  if (!same) {
    throw new FileChangedError(
      expected === null
        ? 'was created by someone else while this run worked'
        : 'changed since this run read it',
      {
        file: change.path,
        hint: 'Another run or a person edited it meanwhile; nothing was written. Run again on the current tree.',
      },
    );
  }
  return stats;
}

/**
 * Writes the temp with the original's mode and owner, and sets the original aside for a rollback. A
 * deletion stages no temp: setting the original aside is all it needs before the unlink.
 */
function stage(entry: JournalEntry, content: string | Buffer | null, original: Stats | undefined): void {
  if (content !== null) writeDurably(entry.temp, content, original ? original.mode & 0o7777 : 0o666);
  if (!original || !entry.backup) return;
  if (content === null && !original.isFile() && !original.isSymbolicLink()) {
    throw new AutopilotError('is not a file, so it cannot be deleted', { file: entry.target });
  }
  if (content !== null) keepOwner(entry.temp, original);
  try {
    // A hard link keeps the original inode itself: content, mode and owner come back exactly.
    linkSync(entry.target, entry.backup);
  } catch {
    copyFileSync(entry.target, entry.backup);
    keepOwner(entry.backup, original);
  }
}

function keepOwner(path: string, original: Stats): void {
  const uid = process.getuid?.();
  if (uid === undefined || (original.uid === uid && original.gid === process.getgid?.())) return;
  try {
    chownSync(path, original.uid, original.gid);
  } catch {
    // Only root may give a file away; the file keeps this run's owner, as any editor would leave it.
  }
}

function commonDirectory(paths: readonly string[]): string {
  let common = dirname(paths[0]!);
  for (const path of paths) while (!`${dirname(path)}/`.startsWith(`${common}/`)) common = dirname(common);
  return common;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
let signalsDeferred = false;

/**
 * Writes run synchronously, so a signal with a listener is only handled once the write is whole; without
 * one, the default action would kill the process mid-rename. So listen, and once the write is done (the
 * listener only runs then), exit the way the signal would have, unless the host listens for it itself.
 */
function deferSignalsWhileWriting(): void {
  if (signalsDeferred) return;
  signalsDeferred = true;
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
