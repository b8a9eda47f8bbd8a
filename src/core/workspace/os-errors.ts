// Raw file-system errors (ENOENT, EACCES, EPERM, ENOSPC…) turned into errors that name the file and
// say what to do, instead of `EPERM: operation not permitted, open '…'`.
import { AutopilotError, FileFormatError, InvalidInputError } from '../errors.js';

const HINTS: Record<string, { what: string; hint: string }> = {
  ENOENT: { what: 'does not exist', hint: 'Check the path (it is relative to the repository root).' },
  ENOTDIR: { what: 'is not inside a directory', hint: 'A part of the path is a file, not a directory.' },
  EISDIR: { what: 'is a directory, not a file', hint: 'Give the path of a file.' },
  EACCES: {
    what: 'is not accessible (permission denied)',
    hint: 'Check the file and directory permissions for the user the run uses.',
  },
  EPERM: {
    what: 'may not be changed (operation not permitted)',
    hint: 'The file or its directory is protected (read-only, immutable, or owned by another user).',
  },
  EROFS: { what: 'is on a read-only file system', hint: 'Run on a writable checkout.' },
  ENOSPC: { what: 'could not be written: no space left on the device', hint: 'Free disk space and re-run.' },
  EDQUOT: { what: 'could not be written: disk quota exceeded', hint: 'Free disk space and re-run.' },
  ELOOP: { what: 'is a symbolic link loop', hint: 'Fix or remove the symbolic link.' },
  EMFILE: {
    what: 'could not be opened: too many open files',
    hint: 'Raise the open-file limit (ulimit -n).',
  },
};

/**
 * An AutopilotError for a file-system failure while `doing` (reading, writing…) `file`; other errors
 * pass through. `input` names the action input or flag the path came from, when there is one.
 */
export function explainFileError(error: unknown, doing: string, file?: string, input?: string): unknown {
  if (error instanceof AutopilotError) return error;
  const e = error as NodeJS.ErrnoException;
  const known = typeof e?.code === 'string' ? HINTS[e.code] : undefined;
  if (!known) return error;
  const path = file ?? e.path ?? 'a file';
  const Kind =
    e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EISDIR' ? InvalidInputError : FileFormatError;
  return new Kind(`${known.what} (${e.code} while ${doing} it)`, {
    file: path,
    ...(input ? { input } : {}),
    hint: known.hint,
    cause: error,
  });
}
