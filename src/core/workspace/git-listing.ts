// What git says of a checkout: its files (tracked, and untracked ones it does not ignore) and which
// of them mention a keyword, without this process reading them. Undefined where git cannot say.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.js';

/** A git that takes longer than this (a stuck lock, a hook, a network file system) is given up on. */
export const GIT_LISTING_TIMEOUT_MS = 120_000;

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
export function gitFilesMentioning(
  root: string,
  keywords: readonly string[],
  includeUntracked: boolean,
  logger: Logger,
  timeoutMs = GIT_LISTING_TIMEOUT_MS,
): Set<string> | undefined {
  const result = spawnSync('git', ['-C', root, ...grepArguments(includeUntracked)], {
    env: gitEnvironment(),
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
    input: grepPatterns(keywords),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Exit status 1 is git grep's "nothing matched".
  if (result.error || (result.status !== 0 && result.status !== 1)) {
    const why = result.error?.message ?? firstLine(result.stderr);
    logger.debug(`git grep could not search the workspace (${why}); reading every file instead`);
    return undefined;
  }
  return grepPaths(result.stdout);
}

function grepArguments(includeUntracked: boolean): string[] {
  return [
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
  ];
}

function grepPatterns(keywords: readonly string[]): Buffer {
  return Buffer.concat([...keywords.map((k) => Buffer.from(`${k}\n`)), UTF16_MARKERS]);
}

function grepPaths(stdout: Buffer): Set<string> {
  const paths = stdout.toString('utf8').split('\0');
  paths.pop();
  return new Set(paths);
}

function firstLine(stderr: Buffer | string): string {
  return stderr.toString().trim().split('\n')[0] ?? '';
}

/** A path git lists, with its mode when the index tracks it (`100644`, `120000` for a link…). */
export interface GitListed {
  path: string;
  mode?: string;
}

/** Git's own listing of a checkout rooted at `root`, or undefined where the walk must do it instead. */
export function gitListedFiles(
  root: string,
  logger: Logger,
  timeoutMs = GIT_LISTING_TIMEOUT_MS,
): GitListed[] | undefined {
  if (!listableCheckout(root)) return undefined;
  const result = spawnSync('git', ['-C', root, ...LS_FILES_ARGUMENTS], {
    env: gitEnvironment(),
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || result.error) {
    const why = result.error?.message ?? firstLine(result.stderr);
    logger.debug(`git could not list the workspace files (${why}); walking the directories instead`);
    return undefined;
  }
  return listedEntries(result.stdout);
}

const LS_FILES_ARGUMENTS = ['ls-files', '-z', '--stage', '--cached', '--others', '--exclude-standard'];

/**
 * Only at a checkout's root: a folder inside another repo (possibly ignored there) is walked instead,
 * and submodules are walked because git lists them as one entry.
 */
function listableCheckout(root: string): boolean {
  return existsSync(join(root, '.git')) && !existsSync(join(root, '.gitmodules'));
}

/** ls-files' records as entries; undefined when one is a nested repository or a submodule. */
function listedEntries(stdout: Buffer): GitListed[] | undefined {
  const records = stdout.toString('utf8').split('\0');
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

/** Git's listing, and which listed files may mention a keyword. */
export interface GitListing {
  listed: GitListed[];
  /**
   * Every listed path whose text holds a keyword is in it (git searched the tracked ones; a few
   * untracked ones may be in it unsearched). Undefined when git could not search.
   */
  mentioning?: Set<string>;
}

/**
 * Untracked files up to this many are left for the reader's own keyword check; past it, git searches
 * them too (`git grep --untracked`, which walks the tree a second time).
 */
export const UNTRACKED_READ_LIMIT = 500;

/**
 * The listing and, for `keywords`, the keyword search, with both git processes running at once where
 * a POSIX shell can start them (git grep reads every tracked file while ls-files walks the tree for
 * untracked ones). Undefined where the walk must list the files instead.
 */
export function gitListing(
  root: string,
  keywords: readonly string[],
  logger: Logger,
  timeoutMs = GIT_LISTING_TIMEOUT_MS,
): GitListing | undefined {
  if (keywords.length === 0 || process.platform === 'win32' || !existsSync(POSIX_SHELL))
    return oneAfterTheOther(root, keywords, logger, timeoutMs);
  if (!listableCheckout(root)) return undefined;
  const both = listAndSearch(root, keywords, timeoutMs);
  if ('error' in both) {
    logger.debug(`git could not list the workspace files (${both.error}); walking the directories instead`);
    return undefined;
  }
  const { listed, mentioning } = both;
  if (!listed) return undefined;
  if (!mentioning) {
    logger.debug(`git grep could not search the workspace (${both.grepError}); reading every file instead`);
    return { listed };
  }
  const untracked = listed.filter((entry) => entry.mode === undefined).map((entry) => entry.path);
  if (untracked.length > UNTRACKED_READ_LIMIT) {
    // Searching untracked files makes git walk the tree again: only when there are many.
    const searched = gitFilesMentioning(root, keywords, true, logger, timeoutMs);
    return searched ? { listed, mentioning: searched } : { listed };
  }
  for (const path of untracked) mentioning.add(path);
  return { listed, mentioning };
}

/** The listing, then (for keywords) the search, untracked files included only when git listed some. */
function oneAfterTheOther(
  root: string,
  keywords: readonly string[],
  logger: Logger,
  timeoutMs: number,
): GitListing | undefined {
  const listed = gitListedFiles(root, logger, timeoutMs);
  if (!listed) return undefined;
  if (keywords.length === 0) return { listed };
  const hasUntracked = listed.some((entry) => entry.mode === undefined);
  const mentioning = gitFilesMentioning(root, keywords, hasUntracked, logger, timeoutMs);
  return mentioning ? { listed, mentioning } : { listed };
}

const POSIX_SHELL = '/bin/sh';

/**
 * Starts ls-files (its output on fd 3) and grep (patterns on stdin, paths on fd 1) at once; their exit
 * statuses come on fd 4. On a deadline the shell is sent SIGTERM and stops both before it exits (a
 * shell waiting on `wait` runs its trap at once), so no git outlives the deadline holding a pipe.
 */
const LIST_AND_SEARCH = `trap 'kill $listing $search 2>/dev/null; exit 143' TERM INT HUP
exec 5<&0 0</dev/null
git -C "$1" ${LS_FILES_ARGUMENTS.join(' ')} >&3 3>&- 4>&- &
listing=$!
git -C "$1" ${grepArguments(false).join(' ')} <&5 5<&- 3>&- 4>&- &
search=$!
exec 5<&-
wait "$search"; searched=$?
wait "$listing"; listed=$?
printf '%s %s' "$listed" "$searched" >&4
`;

function listAndSearch(
  root: string,
  keywords: readonly string[],
  timeoutMs: number,
): { error: string } | { listed: GitListed[] | undefined; mentioning?: Set<string>; grepError?: string } {
  const result = spawnSync(POSIX_SHELL, ['-c', LIST_AND_SEARCH, 'git-listing', root], {
    env: gitEnvironment(),
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
    input: grepPatterns(keywords),
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const statuses = /^(\d+) (\d+)$/.exec(result.output[4]?.toString() ?? '');
  if (result.error || result.status !== 0 || !statuses)
    return {
      error: result.error?.message ?? (firstLine(result.stderr) || `the shell exited ${result.status}`),
    };
  if (statuses[1] !== '0') return { error: firstLine(result.stderr) || `git ls-files exited ${statuses[1]}` };
  const listed = listedEntries(result.output[3]!);
  // Exit status 1 is git grep's "nothing matched".
  if (statuses[2] !== '0' && statuses[2] !== '1')
    return { listed, grepError: firstLine(result.stderr) || `git grep exited ${statuses[2]}` };
  return { listed, mentioning: grepPaths(result.stdout) };
}
