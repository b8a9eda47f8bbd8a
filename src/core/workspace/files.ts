// Listing and reading the workspace's files safely: globs, .gitignore, no escapes, no binaries.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import picomatch from 'picomatch';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';

/** YAML across the repo plus the plain version file; .gitignore'd files are left out. */
export const DEFAULT_PATTERNS: readonly string[] = [
  '**/*.yaml',
  '**/*.yml',
  '**/.istio-version',
  '**/Kustomization',
];

/** Files bigger than this are not manifests anyone edits by hand; they are skipped with a notice. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface ListFilesOptions {
  /** Picomatch globs relative to the root; `!glob` excludes. Default: DEFAULT_PATTERNS. */
  patterns?: readonly string[];
  /** Honour .gitignore files (at every level). Default true. */
  respectGitignore?: boolean;
  logger?: Logger;
}

/** Workspace-relative paths (with `/`), sorted, of files matching the patterns. */
export function listWorkspaceFiles(root: string, options: ListFilesOptions = {}): string[] {
  const logger = options.logger ?? silentLogger;
  const patterns = options.patterns && options.patterns.length > 0 ? options.patterns : DEFAULT_PATTERNS;
  for (const pattern of patterns) refuseEscapingPattern(pattern);
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => p.replace(/^\.\//, ''));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\.\//, ''));
  const isIncluded = picomatch(include, { dot: true });
  const isExcluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const realRoot = realpathSync(root);
  const found: string[] = [];

  const walk = (directory: string, rules: { base: string; matcher: Ignore }[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(realRoot, directory), { withFileTypes: true });
    } catch (error) {
      logger.warning(`could not read directory ${directory || '.'}: ${(error as Error).message}`);
      return;
    }
    const here =
      options.respectGitignore === false ? rules : withGitignore(realRoot, directory, rules, entries);
    for (const entry of entries) {
      const path = directory ? `${directory}/${entry.name}` : entry.name;
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const isDirectory = entry.isDirectory();
      if (ignoredBy(here, path, isDirectory)) continue;
      if (isDirectory) {
        walk(path, here);
      } else if (entry.isSymbolicLink()) {
        if (isIncluded(path) && !isExcluded(path)) symlinkNotice(realRoot, path, logger);
      } else if (entry.isFile() && isIncluded(path) && !isExcluded(path)) {
        found.push(path);
      }
    }
  };
  walk('', []);
  return found.sort();
}

function withGitignore(
  root: string,
  directory: string,
  rules: { base: string; matcher: Ignore }[],
  entries: Dirent[],
): { base: string; matcher: Ignore }[] {
  if (!entries.some((e) => e.name === '.gitignore' && e.isFile())) return rules;
  const text = readFileSync(join(root, directory, '.gitignore'), 'utf8');
  return [...rules, { base: directory, matcher: ignore().add(text) }];
}

function ignoredBy(rules: { base: string; matcher: Ignore }[], path: string, isDirectory: boolean): boolean {
  for (const { base, matcher } of rules) {
    const inside = base === '' ? path : path.slice(base.length + 1);
    if (matcher.ignores(isDirectory ? `${inside}/` : inside)) return true;
  }
  return false;
}

/** Symlinks are never followed by the walk: out of the workspace they are refused, inside they are duplicates. */
function symlinkNotice(root: string, path: string, logger: Logger): void {
  let target: string;
  try {
    target = realpathSync(join(root, path));
  } catch {
    logger.notice(`skipped ${path}: a dangling symbolic link`, { file: path });
    return;
  }
  if (!isInside(root, target))
    logger.warning(`refused ${path}: a symbolic link that leads outside the workspace`, { file: path });
  else logger.debug(`skipped ${path}: a symbolic link (its target is scanned on its own)`);
}

function refuseEscapingPattern(pattern: string): void {
  const body = pattern.replace(/^!/, '');
  if (isAbsolute(body) || body.split(/[\\/]/).includes('..')) {
    throw new InvalidInputError(`'${pattern}' leads outside the workspace`, {
      input: 'paths',
      hint: 'Give globs relative to the repository root, without `..` or absolute paths.',
    });
  }
}

export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real absolute path of a workspace-relative path; throws when it (or a symlink on the way)
 * leads outside the workspace. A file that does not exist yet resolves through its directory.
 */
export function resolveInsideWorkspace(root: string, path: string): string {
  const realRoot = realpathSync(root);
  const absolute = resolve(realRoot, path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    real = absolute;
  }
  if (!isInside(realRoot, absolute) || !isInside(realRoot, real)) {
    throw new InvalidInputError(`'${path}' leads outside the workspace`, {
      file: path,
      hint: 'Only files inside the repository can be read or rewritten; check the path and any symbolic links.',
    });
  }
  return real;
}

export type ReadResult =
  | { path: string; status: 'ok'; content: Buffer }
  | { path: string; status: 'binary' | 'too-large'; size: number };

/** Reads a workspace file, or says why not: binary (a NUL byte in its first 8 KiB) or too large. */
export function readWorkspaceFile(root: string, path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult {
  const fd = openSync(join(root, path), 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { path, status: 'too-large', size };
    const content = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, content, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const body = read === size ? content : content.subarray(0, read);
    if (body.subarray(0, 8192).includes(0)) return { path, status: 'binary', size };
    return { path, status: 'ok', content: body };
  } finally {
    closeSync(fd);
  }
}

/** Logs the standard notice for a file that was not read. */
export function noticeSkipped(result: ReadResult, logger: Logger): void {
  if (result.status === 'binary')
    logger.notice(`skipped ${result.path}: a binary file`, { file: result.path });
  if (result.status === 'too-large')
    logger.notice(
      `skipped ${result.path}: ${result.size} bytes is larger than the limit for text manifests`,
      {
        file: result.path,
      },
    );
}
