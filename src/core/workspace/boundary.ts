// The workspace boundary: every path read or written is resolved to its real location and must stay
// inside the root (links included), and files are read without following a link at the last step.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { explainFileError } from './os-errors.js';

/** Files bigger than this are not manifests anyone edits by hand; they are skipped with a notice. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real absolute path of a workspace path (relative, or absolute inside the root); throws, naming
 * `input` when given, when it or a symbolic link on the way leads outside the workspace. A path that
 * does not exist yet is resolved through its deepest existing parent, so a new file cannot be written
 * through a linked directory either.
 */
export function resolveInsideWorkspace(root: string, path: string, input?: string): string {
  const realRoot = realpathSync.native(root);
  const absolute = resolve(realRoot, path);
  const real = isInside(realRoot, absolute) ? realPathThroughParents(absolute) : absolute;
  if (!isInside(realRoot, real)) {
    const through = isInside(realRoot, absolute) ? ' through a symbolic link' : '';
    throw new InvalidInputError(`'${path}' leads outside the workspace${through}`, {
      ...(input ? { input } : {}),
      file: path,
      hint: 'Only files inside the repository can be read or written; give a path inside it, without `..` or links that leave it.',
    });
  }
  return real;
}

/** realpath of the deepest existing ancestor, with the missing rest appended (a dangling link is followed). */
function realPathThroughParents(absolute: string, links = 0): string {
  const missing: string[] = [];
  for (let current = absolute; ; current = dirname(current)) {
    try {
      return join(realpathSync.native(current), ...missing.reverse());
    } catch (error) {
      const stats = lstatSync(current, { throwIfNoEntry: false });
      // A dangling link still says where a write would land.
      if (stats?.isSymbolicLink() && links < 40)
        return realPathThroughParents(
          resolve(dirname(current), readlinkSync(current), ...missing.reverse()),
          links + 1,
        );
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) throw error;
      missing.push(basename(current));
    }
  }
}

export type ReadResult =
  | { path: string; status: 'ok'; content: Buffer }
  | { path: string; status: 'binary' | 'too-large' | 'utf16'; size: number; limit?: number };

/**
 * Reads a workspace file, or says why not: binary (a NUL byte in its first 8 KiB), UTF-16 text, or too
 * large. A symbolic link is never followed at the last step, and the path must stay inside the root.
 */
export function readWorkspaceFile(root: string, path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult {
  let fd: number;
  try {
    fd = openSync(resolveInsideWorkspace(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new InvalidInputError('is a symbolic link; links are not followed', {
        file: path,
        hint: 'Point the paths at the file the link leads to.',
      });
    throw explainFileError(error, 'reading', path);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { path, status: 'too-large', size, limit: maxBytes };
    const content = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, content, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const body = read === size ? content : content.subarray(0, read);
    if (isUtf16(body)) return { path, status: 'utf16', size };
    if (body.subarray(0, 8192).includes(0)) return { path, status: 'binary', size };
    return { path, status: 'ok', content: body };
  } finally {
    closeSync(fd);
  }
}

/** A UTF-16 byte-order mark, or ASCII text with every other byte NUL (UTF-16 without a mark). */
function isUtf16(body: Buffer): boolean {
  if (body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)))
    return true;
  const head = body.subarray(0, Math.min(body.length, 512) & ~1);
  if (head.length < 4) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < head.length; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = head.length / 2;
  return (oddNul === pairs && evenNul === 0) || (evenNul === pairs && oddNul === 0);
}

/** Logs the standard notice for a file that was not read. */
export function noticeSkipped(result: ReadResult, logger: Logger): void {
  if (result.status === 'binary')
    logger.notice(`skipped ${result.path}: a binary file`, { file: result.path });
  if (result.status === 'utf16')
    logger.notice(
      `skipped ${result.path}: UTF-16 text; only UTF-8 files are read and edited (save it as UTF-8)`,
      {
        file: result.path,
      },
    );
  if (result.status === 'too-large')
    logger.notice(
      `skipped ${result.path}: ${result.size} bytes is larger than the ${result.limit ?? DEFAULT_MAX_FILE_BYTES}-byte limit for text manifests`,
      {
        file: result.path,
      },
    );
}
