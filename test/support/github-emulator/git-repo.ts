// The emulated repository's state: a real bare git repository (read and written with git plumbing,
// so a `git push` from a clone and an API commit share one history) plus pulls, comments and rules.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601; defaults to now. */
  date?: string;
}

export interface TreeEntryInput {
  path: string;
  mode: '100644' | '100755' | '040000' | '160000' | '120000';
  type?: 'blob' | 'tree' | 'commit';
  /** null deletes the path from base_tree. */
  sha?: string | null;
  content?: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: Required<GitIdentity>;
  committer: Required<GitIdentity>;
  message: string;
}

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
  }
}

interface GitRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** A bare repository in a temp directory; every operation is one git plumbing command. */
export class BareGitRepo {
  private indexCounter = 0;

  private constructor(readonly dir: string) {}

  static async create(defaultBranch = 'main'): Promise<BareGitRepo> {
    const dir = mkdtempSync(join(tmpdir(), 'emulated-repo-'));
    const repo = new BareGitRepo(join(dir, 'repo.git'));
    await runGit(dir, ['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, 'repo.git']);
    return repo;
  }

  remove(): void {
    rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }

  async run(
    args: readonly string[],
    options: { input?: Buffer | string; env?: Record<string, string> } = {},
  ) {
    return runGit(this.dir, args, options);
  }

  async git(
    args: readonly string[],
    options: { input?: Buffer | string; env?: Record<string, string> } = {},
  ) {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new GitCommandError(args, result.code, result.stderr);
    return result.stdout.toString('utf8').trim();
  }

  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    const result = await this.run(['cat-file', '-t', sha]);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  async writeBlob(content: Buffer): Promise<string> {
    return this.git(['hash-object', '-w', '--stdin'], { input: content });
  }

  async readBlob(sha: string): Promise<Buffer | undefined> {
    if ((await this.objectType(sha)) !== 'blob') return undefined;
    return (await this.run(['cat-file', 'blob', sha])).stdout;
  }

  /** Builds a tree like POST /git/trees: entries laid over base_tree (if any), nested paths allowed. */
  async writeTree(entries: readonly TreeEntryInput[], baseTree?: string): Promise<string> {
    const index = join(this.dir, `emulator-index-${process.pid}-${++this.indexCounter}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (baseTree) await this.git(['read-tree', baseTree], { env });
      const lines: string[] = [];
      for (const entry of entries) {
        if (entry.sha === null) {
          // Deleting a directory deletes everything under it.
          const listed = await this.git(['ls-files', '--', entry.path], { env });
          for (const path of listed.split('\n').filter(Boolean)) lines.push(`0 ${ZERO_SHA}\t${path}`);
          continue;
        }
        const sha =
          entry.content !== undefined ? await this.writeBlob(Buffer.from(entry.content, 'utf8')) : entry.sha!;
        if (entry.mode === '040000') {
          const listed = await this.git(['ls-tree', '-r', '--full-tree', sha]);
          for (const line of listed.split('\n').filter(Boolean)) {
            const [meta, path] = line.split('\t');
            const [mode, , blob] = meta!.split(' ');
            lines.push(`${mode} ${blob}\t${entry.path}/${path}`);
          }
        } else {
          lines.push(`${entry.mode} ${sha}\t${entry.path}`);
        }
      }
      if (lines.length)
        await this.git(['update-index', '--add', '--index-info'], { env, input: `${lines.join('\n')}\n` });
      return await this.git(['write-tree'], { env });
    } finally {
      rmSync(index, { force: true });
    }
  }

  async readTree(sha: string, recursive: boolean): Promise<TreeEntry[] | undefined> {
    const type = await this.objectType(sha);
    if (type !== 'tree' && type !== 'commit') return undefined;
    const out = await this.git(['ls-tree', '-l', ...(recursive ? ['-r', '-t'] : []), sha]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string];
        const [mode, type, objectSha, size] = meta.split(/\s+/) as [
          string,
          TreeEntry['type'],
          string,
          string,
        ];
        return { path, mode, type, sha: objectSha, ...(type === 'blob' ? { size: Number(size) } : {}) };
      });
  }

  async treeOf(commit: string): Promise<string> {
    return this.git(['rev-parse', `${commit}^{tree}`]);
  }

  async writeCommit(commit: {
    tree: string;
    parents: readonly string[];
    message: string;
    author: GitIdentity;
    committer: GitIdentity;
  }): Promise<string> {
    const now = new Date().toISOString();
    const env = {
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_AUTHOR_DATE: commit.author.date ?? now,
      GIT_COMMITTER_NAME: commit.committer.name,
      GIT_COMMITTER_EMAIL: commit.committer.email,
      GIT_COMMITTER_DATE: commit.committer.date ?? now,
    };
    const parents = commit.parents.flatMap((p) => ['-p', p]);
    // The message goes through stdin so it is kept byte for byte (-m would reflow it).
    return this.git(['commit-tree', commit.tree, ...parents], { env, input: commit.message });
  }

  async readCommit(sha: string): Promise<CommitInfo | undefined> {
    if ((await this.objectType(sha)) !== 'commit') return undefined;
    const raw = (await this.run(['cat-file', 'commit', sha])).stdout.toString('utf8');
    const split = raw.indexOf('\n\n');
    const headers = raw.slice(0, split).split('\n');
    const info: CommitInfo = {
      sha,
      tree: '',
      parents: [],
      author: { name: '', email: '', date: '' },
      committer: { name: '', email: '', date: '' },
      message: raw.slice(split + 2),
    };
    for (const header of headers) {
      const [key, ...rest] = header.split(' ');
      const value = rest.join(' ');
      if (key === 'tree') info.tree = value;
      else if (key === 'parent') info.parents.push(value);
      else if (key === 'author' || key === 'committer') info[key] = parseIdentity(value);
    }
    return info;
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  /** Refs under `prefix` (e.g. refs/heads/) with their targets. */
  async listRefs(prefix: string): Promise<{ ref: string; sha: string }[]> {
    const out = await this.git(['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref, sha] = line.split(' ') as [string, string];
        return { ref, sha };
      });
  }

  /**
   * Compare-and-swap: moves `ref` to `sha` only if it still points at `expected` (ZERO_SHA: must not
   * exist). git's own ref lock makes this atomic, so racing writers cannot both win.
   */
  async compareAndSwapRef(ref: string, sha: string, expected: string): Promise<boolean> {
    const result = await this.run(['update-ref', ref, sha, expected]);
    return result.code === 0;
  }

  async deleteRef(ref: string, expected?: string): Promise<boolean> {
    const result = await this.run(['update-ref', '-d', ref, ...(expected ? [expected] : [])]);
    return result.code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.run(['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.run(['merge-base', a, b]);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  /** Paths that differ between two commits (or everything in `to` when `from` is undefined). */
  async changedPaths(from: string | undefined, to: string): Promise<string[]> {
    const out = from
      ? await this.git(['diff-tree', '-r', '--name-only', '--no-commit-id', from, to])
      : await this.git(['ls-tree', '-r', '--name-only', to]);
    return out.split('\n').filter(Boolean);
  }

  /** Test convenience: commits files onto `branch` (created from nothing if absent). */
  async commitFiles(
    branch: string,
    files: Record<string, string | { content: string | Buffer; mode?: '100644' | '100755' } | null>,
    message: string,
    author: GitIdentity = { name: 'Mesh Admin', email: 'admin@example.com' },
  ): Promise<string> {
    const ref = `refs/heads/${branch}`;
    const parent = await this.resolveRef(ref);
    const entries: TreeEntryInput[] = [];
    for (const [path, file] of Object.entries(files)) {
      if (file === null) entries.push({ path, mode: '100644', sha: null });
      else if (typeof file === 'string') entries.push({ path, mode: '100644', content: file });
      else {
        const content = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
        entries.push({ path, mode: file.mode ?? '100644', sha: await this.writeBlob(content) });
      }
    }
    const tree = await this.writeTree(entries, parent ? await this.treeOf(parent) : undefined);
    const sha = await this.writeCommit({
      tree,
      parents: parent ? [parent] : [],
      message,
      author,
      committer: author,
    });
    if (!(await this.compareAndSwapRef(ref, sha, parent ?? ZERO_SHA)))
      throw new Error(`${ref} moved while committing`);
    return sha;
  }
}

function parseIdentity(value: string): Required<GitIdentity> {
  const m = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!m) return { name: value, email: '', date: new Date(0).toISOString() };
  return {
    name: m[1]!,
    email: m[2]!,
    date: new Date(Number(m[3]) * 1000).toISOString().replace(/\.000Z$/, 'Z'),
  };
}

function runGit(
  cwd: string,
  args: readonly string[],
  options: { input?: Buffer | string; env?: Record<string, string> } = {},
): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd,
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && code === -1) return reject(error);
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** The GitHub user a token acts as in the emulator. */
export interface EmulatedUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export const ACTIONS_BOT: EmulatedUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

export interface EmulatedComment {
  id: number;
  body: string;
  user: EmulatedUser;
  createdAt: string;
}

export interface EmulatedPull {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  head: string;
  base: string;
  user: EmulatedUser;
  labels: string[];
  assignees: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  comments: EmulatedComment[];
  autoMerge?: { method: 'MERGE' | 'SQUASH' | 'REBASE'; enabledBy: EmulatedUser };
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Set by a test that merges the PR: when, and the merge commit on the base branch. */
  mergedAt?: string | null;
  mergeCommitSha?: string | null;
}

/** GitHub-side settings a test can flip to provoke the rejections real repositories produce. */
export interface RepositoryRules {
  /** Branch names (or `prefix/*`) that reject ref updates, as a branch protection rule would. */
  protectedBranches: string[];
  /** "Allow GitHub Actions to create and approve pull requests" (Settings > Actions > General). */
  actionsMayCreatePullRequests: boolean;
  /** Whether the token may touch .github/workflows (the `workflows` permission or `workflow` scope). */
  workflowsPermission: boolean;
  /** "Allow auto-merge" in the repository settings. */
  allowAutoMerge: boolean;
}

export class EmulatedRepository {
  readonly pulls: EmulatedPull[] = [];
  readonly rules: RepositoryRules = {
    protectedBranches: [],
    actionsMayCreatePullRequests: true,
    workflowsPermission: true,
    allowAutoMerge: true,
  };
  /** Which user each token acts as; unknown tokens act as the Actions bot. */
  readonly tokenUsers = new Map<string, EmulatedUser>();
  /** Commits GitHub made (and signed) itself: those created through the API without an identity. */
  readonly verifiedCommits = new Set<string>();
  readonly id = 1296269;
  private nextIssueNumber = 1;
  private nextId = 1000;

  private constructor(
    readonly owner: string,
    readonly name: string,
    readonly git: BareGitRepo,
    public defaultBranch: string,
  ) {}

  static async create(owner: string, name: string, defaultBranch = 'main'): Promise<EmulatedRepository> {
    return new EmulatedRepository(owner, name, await BareGitRepo.create(defaultBranch), defaultBranch);
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  get nodeId(): string {
    return Buffer.from(`Repository:${this.id}`).toString('base64');
  }

  userFor(token: string | undefined): EmulatedUser {
    return (token && this.tokenUsers.get(token)) || ACTIONS_BOT;
  }

  issueNumber(): number {
    return this.nextIssueNumber++;
  }

  newId(): number {
    return this.nextId++;
  }

  isProtected(branch: string): boolean {
    return this.rules.protectedBranches.some((rule) =>
      rule.endsWith('/*') ? branch.startsWith(rule.slice(0, -1)) : rule === branch,
    );
  }

  pull(number: number): EmulatedPull | undefined {
    return this.pulls.find((p) => p.number === number);
  }

  remove(): void {
    this.git.remove();
  }
}
