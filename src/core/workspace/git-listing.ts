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
      timeout: timeoutMs,
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
  // Only at a checkout's root: a folder inside another repo (possibly ignored there) is walked instead,
  // and submodules are walked because git lists them as one entry.
  if (!existsSync(join(root, '.git')) || existsSync(join(root, '.gitmodules'))) return undefined;
  const result = spawnSync(
    'git',
    ['-C', root, 'ls-files', '-z', '--stage', '--cached', '--others', '--exclude-standard'],
    { env: gitEnvironment(), maxBuffer: 1 << 30, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] },
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
