// Listing and reading the workspace's files safely: globs, .gitignore, no escapes, no binaries.
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import picomatch from 'picomatch';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { recoverBeforeReading } from './atomic.js';
import { gitListing, type GitListed } from './git-listing.js';
import { symlinkNotice } from './symlinks.js';
import { walkFiles } from './walk.js';

/** YAML across the repo plus the plain version file; .gitignore'd files are left out. */
export const DEFAULT_PATTERNS: readonly string[] = [
  '**/*.yaml',
  '**/*.yml',
  '**/.istio-version',
  '**/Kustomization',
];

export {
  DEFAULT_MAX_FILE_BYTES,
  isInside,
  noticeSkipped,
  readWorkspaceFile,
  resolveInsideWorkspace,
  type ReadResult,
} from './boundary.js';

export interface ListFilesOptions {
  /** Picomatch globs relative to the root; `!glob` excludes. Default: DEFAULT_PATTERNS. */
  patterns?: readonly string[];
  /** Honour .gitignore files (at every level). Default true. */
  respectGitignore?: boolean;
  logger?: Logger;
}

/**
 * Workspace-relative paths (with `/`), sorted, of files matching the patterns. In a git checkout git
 * lists the files (tracked ones, and untracked ones git does not ignore); elsewhere a walk applies the
 * .gitignore files it meets. Symbolic links are never followed, and refused when they lead outside.
 */
export function listWorkspaceFiles(root: string, options: ListFilesOptions = {}): string[] {
  return listWorkspace(root, options).paths;
}

export interface WorkspaceListing {
  /** As listWorkspaceFiles returns them, except as `mentioning` says. */
  paths: string[];
  /**
   * Set when git listed the files and `keywords` were asked for: every listed path whose text holds a
   * keyword is in it (git searched the tracked files, on all cores, without this process reading them;
   * up to UNTRACKED_READ_LIMIT untracked ones are in it unsearched), so a reader still checks the text
   * of each one it reads. The tracked paths are as git's index knows them and were not checked on
   * disk, so check each with isRegularWorkspaceFile before reading it.
   */
  mentioning?: ReadonlySet<string>;
}

/** listWorkspaceFiles, plus which files mention any of `keywords` when git can say so cheaply. */
export function listWorkspace(
  root: string,
  options: ListFilesOptions & { keywords?: readonly string[] } = {},
): WorkspaceListing {
  const logger = options.logger ?? silentLogger;
  const patterns = options.patterns && options.patterns.length > 0 ? options.patterns : DEFAULT_PATTERNS;
  for (const pattern of patterns) refuseEscapingPattern(pattern);
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => p.replace(/^\.\//, ''));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\.\//, ''));
  const isIncluded = globMatcher(include);
  const isExcluded = globMatcher(exclude);
  const wanted = (path: string) => isIncluded(path) && !isExcluded(path);
  const realRoot = realpathSync(root);
  // A run killed mid-write is settled before anything is read, so no scan sees a half-written tree.
  recoverBeforeReading(realRoot, logger);
  const git =
    options.respectGitignore === false ? undefined : gitListing(realRoot, options.keywords ?? [], logger);
  if (!git) {
    const paths = walkFiles(realRoot, wanted, options, logger).sort();
    warnUnmatched(include, paths, logger);
    return { paths };
  }
  const { listed, mentioning } = git;
  const paths = keepGitListed(realRoot, listed, wanted, logger, mentioning !== undefined).sort();
  warnUnmatched(include, paths, logger);
  return mentioning ? { paths, mentioning } : { paths };
}

/** A glob (or a directory written without `/**`) that matches nothing is most likely a typo: say so. */
function warnUnmatched(include: readonly string[], paths: readonly string[], logger: Logger): void {
  const wholeRepo = new Set([...DEFAULT_PATTERNS, '**/*.yaml', '**/*.yml', '**/*']);
  for (const glob of include) {
    if (wholeRepo.has(glob)) continue;
    const matches = globMatcher([glob]);
    if (paths.some(matches)) continue;
    const directory = !/[*?[{]/.test(glob) && !/\.[a-z]+$/i.test(glob);
    logger.warning(
      `paths: '${glob}' matched no file${directory ? ` (for everything in a directory, write '${glob.replace(/\/+$/, '')}/**')` : ''}`,
    );
  }
}

/**
 * Whether a listed path is (still) a regular file. A symbolic link gets the listing's notice (and a
 * warning when it leads outside); a file that is gone is dropped quietly.
 */
export function isRegularWorkspaceFile(root: string, path: string, logger: Logger = silentLogger): boolean {
  const stats = lstatSync(join(root, path), { throwIfNoEntry: false });
  if (stats?.isSymbolicLink()) symlinkNotice(realpathSync(root), path, logger);
  return stats?.isFile() ?? false;
}

/**
 * Whether a path matches any glob, as picomatch decides, with each glob compiled to its regex once
 * (calling the regexes directly skips picomatch's per-call work, which adds up over 10,000 paths).
 * A glob's regex runs only on paths holding the plain text it names (`Chart.yaml`, `values`): most
 * paths fail that substring test, which costs far less than the regex failing.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((glob) => ({
    glob,
    regex: picomatch.makeRe(glob, { dot: true }),
    literals: requiredLiterals(glob),
  }));
  return (path) =>
    path !== '' &&
    compiled.some(
      ({ glob, regex, literals }) =>
        path === glob || (literals.every((text) => path.includes(text)) && regex.test(path)),
    );
}

/**
 * Text every path matching `glob` contains: its runs of plain characters between wildcards, braces
 * and slashes (a `**` segment may match no directory, so a slash is never required). None when the
 * glob has anything else picomatch gives a meaning (classes, extglobs, escapes, negation).
 */
export function requiredLiterals(glob: string): string[] {
  if (/[[\]()!@+|\\]/.test(glob)) return [];
  // A brace holds alternatives: any one of several texts, so none of them is required.
  const plain = glob.replace(/\{[^{}]*\}/g, '*');
  if (/[{}]/.test(plain)) return [];
  return plain.split(/[*?/]+/).filter((text) => text !== '' && text !== '.' && text !== '..');
}

const IN_NODE_MODULES = /(?:^|\/)node_modules(?:\/|$)/;

/**
 * The git-listed paths the patterns want, as regular files: links get the walk's notice, deleted files
 * are dropped. With `trustIndex`, tracked paths are taken from the index's modes without a look on disk
 * (the caller checks the few it reads); untracked ones are always looked at.
 */
function keepGitListed(
  root: string,
  entries: readonly GitListed[],
  wanted: (path: string) => boolean,
  logger: Logger,
  trustIndex: boolean,
): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const { path, mode } of entries) {
    // --stage lists each stage of a conflicted file; the walk never enters node_modules.
    if (seen.has(path) || IN_NODE_MODULES.test(path) || !wanted(path)) continue;
    seen.add(path);
    if (trustIndex && mode !== undefined) {
      if (mode === '120000') symlinkNotice(root, path, logger);
      else found.push(path);
    } else if (isRegularWorkspaceFile(root, path, logger)) {
      found.push(path);
    }
  }
  return found;
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
