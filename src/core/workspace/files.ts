// Listing and reading the workspace's files safely: globs, .gitignore, no escapes, no binaries.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import picomatch from 'picomatch';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { recoverBeforeReading } from './atomic.js';
import { isInside } from './boundary.js';

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
   * Set when git listed the files and `keywords` were asked for: the listed paths whose text holds at
   * least one keyword (git searched them, on all cores, without this process reading them). Then the
   * tracked paths are as git's index knows them and were not checked on disk, so check each with
   * isRegularWorkspaceFile before reading it.
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
  const listed = options.respectGitignore === false ? undefined : gitListedFiles(realRoot, logger);
  if (!listed) {
    const paths = walkFiles(realRoot, wanted, options, logger).sort();
    warnUnmatched(include, paths, logger);
    return { paths };
  }
  // Searching untracked files makes git walk the tree again; skip it when git listed none.
  const hasUntracked = listed.some((entry) => entry.mode === undefined);
  const mentioning = options.keywords?.length
    ? gitFilesMentioning(realRoot, options.keywords, hasUntracked, logger)
    : undefined;
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
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((glob) => ({ glob, regex: picomatch.makeRe(glob, { dot: true }) }));
  return (path) => path !== '' && compiled.some(({ glob, regex }) => path === glob || regex.test(path));
}

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
  // Git must find the repository at the root it is given, whatever the caller's environment says.
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) delete env[name];
  return env;
}

/**
 * UTF-16 byte-order marks: a UTF-16 file never matches a UTF-8 keyword, but it must still be read so
 * it gets its "only UTF-8 files are read" notice instead of being passed over in silence. (git grep
 * takes no pattern with a NUL byte, so UTF-16 without a mark cannot be found this way.)
 */
const UTF16_MARKERS = Buffer.from([0xff, 0xfe, 0x0a, 0xfe, 0xff, 0x0a]);

/**
 * `git grep` over the same files `ls-files` listed (tracked, and untracked not ignored): the paths
 * holding any keyword as a fixed string, binary or not. Undefined when git fails (the caller then reads).
 */
function gitFilesMentioning(
  root: string,
  keywords: readonly string[],
  includeUntracked: boolean,
  logger: Logger,
): Set<string> | undefined {
  const result = spawnSync(
    'git',
    [
      '-C',
      root,
      'grep',
      '--files-with-matches',
      '-z',
      '--text',
      ...(includeUntracked ? ['--untracked'] : []),
      '--fixed-strings',
      '--no-color',
      // Patterns come on stdin: they include bytes an argument cannot carry (NUL, a lone 0xFF).
      '-f',
      '-',
    ],
    {
      env: gitEnvironment(),
      maxBuffer: 1 << 30,
      input: Buffer.concat([...keywords.map((k) => Buffer.from(`${k}\n`)), UTF16_MARKERS]),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  // Exit status 1 is git grep's "nothing matched".
  if (result.error || (result.status !== 0 && result.status !== 1)) {
    const why = result.error?.message ?? result.stderr.toString().trim().split('\n')[0];
    logger.debug(`git grep could not search the workspace (${why}); reading every file instead`);
    return undefined;
  }
  const paths = result.stdout.toString('utf8').split('\0');
  paths.pop();
  return new Set(paths);
}

/** A path git lists, with its mode when the index tracks it (`100644`, `120000` for a link…). */
interface GitListed {
  path: string;
  mode?: string;
}

/** Git's own listing of a checkout rooted at `root`, or undefined where the walk must do it instead. */
function gitListedFiles(root: string, logger: Logger): GitListed[] | undefined {
  // Only at a checkout's root: a folder inside another repo (possibly ignored there) is walked instead,
  // and submodules are walked because git lists them as one entry.
  if (!existsSync(join(root, '.git')) || existsSync(join(root, '.gitmodules'))) return undefined;
  const result = spawnSync(
    'git',
    ['-C', root, 'ls-files', '-z', '--stage', '--cached', '--others', '--exclude-standard'],
    { env: gitEnvironment(), maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0 || result.error) {
    const why = result.error?.message ?? result.stderr.toString().trim().split('\n')[0];
    logger.debug(`git could not list the workspace files (${why}); walking the directories instead`);
    return undefined;
  }
  const records = result.stdout.toString('utf8').split('\0');
  records.pop();
  const listed: GitListed[] = [];
  for (const record of records) {
    // Tracked: `<mode> <object> <stage>\t<path>`; untracked: the bare path.
    const staged = /^([0-7]{6}) [0-9a-f]{40,64} [0-3]\t/.exec(record);
    const entry = staged ? { path: record.slice(staged[0].length), mode: staged[1] } : { path: record };
    // A nested repository (`dir/`) or a submodule is one entry to git; only the walk looks inside.
    if (entry.path.endsWith('/') || entry.mode === '160000') return undefined;
    listed.push(entry);
  }
  return listed;
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

function walkFiles(
  realRoot: string,
  wanted: (path: string) => boolean,
  options: ListFilesOptions,
  logger: Logger,
): string[] {
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
        if (wanted(path)) symlinkNotice(realRoot, path, logger);
      } else if (entry.isFile() && wanted(path)) {
        found.push(path);
      }
    }
  };
  walk('', []);
  return found;
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
