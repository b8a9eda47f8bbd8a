// Turns working-tree changes into a commit through GitHub's Git Data API (blobs, a tree over the
// base's tree, a commit), keeping file modes; without an identity GitHub signs the commit itself.
import { execFile } from 'node:child_process';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';
import type { GitHubClient } from './client.js';

export type FileMode = '100644' | '100755' | '120000';

export type FileChange = { path: string; mode: FileMode; content: Buffer } | { path: string; deleted: true };

export interface GitIdentity {
  name: string;
  email: string;
}

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** The Actions bot, the identity for unsigned commits unless `author`/`committer` say otherwise. */
export const ACTIONS_BOT_IDENTITY: GitIdentity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** Parses `Name <email>`, the form of the author and committer inputs. */
export function parseIdentity(text: string, input: string): GitIdentity {
  const match = /^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!match || !match[1]) {
    throw new InvalidInputError(`'${text}' is not an identity`, {
      input,
      hint: 'Use the form `Name <email@example.com>`.',
    });
  }
  return { name: match[1], email: match[2]! };
}

/**
 * The changes under `paths` (git pathspecs) in the checkout at `workspace`, compared with its HEAD:
 * modified, added (untracked) and deleted files, each with its mode (executable bit, symlink).
 */
export async function readWorkingTreeChanges(
  workspace: string,
  paths: readonly string[],
): Promise<FileChange[]> {
  const pathspecs = paths.length ? paths : ['.'];
  let status: string;
  try {
    status = await git(workspace, [
      'status',
      '--porcelain=v1',
      '-z',
      '--no-renames',
      '--untracked-files=all',
      '--',
      ...pathspecs,
    ]);
  } catch (error) {
    throw new InvalidInputError(`${workspace} is not a git checkout (git status failed)`, {
      input: 'paths',
      hint: 'Check the repository out first with actions/checkout, and commit from GITHUB_WORKSPACE.',
      cause: error,
    });
  }
  const changes: FileChange[] = [];
  for (const entry of status.split('\0')) {
    if (entry.length < 4) continue;
    const path = entry.slice(3);
    const stat = await lstat(join(workspace, path)).catch(() => undefined);
    if (!stat) changes.push({ path, deleted: true });
    else if (stat.isSymbolicLink())
      changes.push({ path, mode: '120000', content: Buffer.from(await readlink(join(workspace, path))) });
    else if (stat.isFile()) {
      changes.push({
        path,
        mode: stat.mode & 0o111 ? '100755' : '100644',
        content: await readFile(join(workspace, path)),
      });
    }
    // Directories here are submodules (gitlinks); their pointer is not ours to move.
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Uploads the changed files and lays them over `baseTree`; returns the new tree's SHA. */
export async function createTreeFromChanges(
  octokit: GitHubClient,
  repository: RepositoryRef,
  baseTree: string,
  changes: readonly FileChange[],
): Promise<string> {
  const entries = [];
  for (const change of changes) {
    if ('deleted' in change) {
      entries.push({ path: change.path, mode: '100644' as const, type: 'blob' as const, sha: null });
      continue;
    }
    // base64 keeps binary files and exact bytes (CRLF, no trailing newline) intact.
    const { data: blob } = await octokit.rest.git.createBlob({
      ...repository,
      content: change.content.toString('base64'),
      encoding: 'base64',
    });
    entries.push({ path: change.path, mode: change.mode, type: 'blob' as const, sha: blob.sha });
  }
  const { data: tree } = await octokit.rest.git.createTree({
    ...repository,
    base_tree: baseTree,
    tree: entries,
  });
  return tree.sha;
}

export interface CommitRequest {
  tree: string;
  parent: string;
  message: string;
  /** Leave the identity to GitHub, which then signs the commit (verified). */
  sign: boolean;
  author?: GitIdentity;
  committer?: GitIdentity;
}

export async function createCommit(
  octokit: GitHubClient,
  repository: RepositoryRef,
  request: CommitRequest,
): Promise<{ sha: string; verified: boolean }> {
  const author = request.author ?? ACTIONS_BOT_IDENTITY;
  const { data } = await octokit.rest.git.createCommit({
    ...repository,
    message: request.message,
    tree: request.tree,
    parents: [request.parent],
    ...(request.sign ? {} : { author, committer: request.committer ?? author }),
  });
  return { sha: data.sha, verified: data.verification?.verified ?? false };
}

function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', `safe.directory=${cwd}`, '-c', 'core.quotepath=off', ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`git ${args[0]} failed: ${stderr.trim()}`)) : resolve(stdout),
    );
  });
}
