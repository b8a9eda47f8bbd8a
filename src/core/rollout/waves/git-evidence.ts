// When a wave reached the target without a bot PR (bumped by hand), git still says when: the commit
// on the default branch that first made the wave's pin lines read as they do now. Read from the
// checkout; a shallow clone may not hold that commit, and then the run says which setting gives it.
import { spawnSync } from 'node:child_process';
import type { Pin } from '../../pins/types.js';

export type HandCommit =
  | { kind: 'found'; sha: string; committedAt: string }
  | { kind: 'shallow'; message: string }
  | { kind: 'unknown' };

function git(workspace: string, args: string[]): { ok: boolean; out: string } {
  const result = spawnSync('git', ['-C', workspace, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ok: result.status === 0, out: result.stdout ?? '' };
}

/** The first-parent commit of HEAD that made every one of `pins`' lines what it is at HEAD. */
export function handCommitFor(workspace: string, pins: readonly Pin[]): HandCommit {
  const linesByFile = new Map<string, Set<string>>();
  for (const pin of pins) {
    const head = git(workspace, ['show', `HEAD:${pin.file}`]);
    if (!head.ok) return { kind: 'unknown' };
    const line = head.out.split('\n')[pin.line - 1];
    if (line === undefined) return { kind: 'unknown' };
    linesByFile.set(pin.file, (linesByFile.get(pin.file) ?? new Set()).add(line));
  }
  const files = [...linesByFile.keys()].sort();
  if (files.length === 0) return { kind: 'unknown' };
  const shallow = git(workspace, ['rev-parse', '--is-shallow-repository']).out.trim() === 'true';
  const missing: HandCommit = {
    kind: 'shallow',
    message: `the checkout is shallow and does not hold the commit that set ${files.join(', ')} to their version; set fetch-depth: 0 on actions/checkout so the soak can be measured from git`,
  };
  const log = git(workspace, ['log', '--first-parent', '--format=%H %cI', 'HEAD', '--', ...files]);
  if (!log.ok) return { kind: 'unknown' };
  for (const entry of log.out.split('\n').filter(Boolean)) {
    const [sha, committedAt] = entry.split(' ') as [string, string];
    const found: HandCommit = { kind: 'found', sha, committedAt: new Date(committedAt).toISOString() };
    if (!git(workspace, ['rev-parse', '--verify', '--quiet', `${sha}^`]).ok) return shallow ? missing : found;
    const before = files.every((file) => {
      const text = git(workspace, ['show', `${sha}^:${file}`]);
      if (!text.ok) return false;
      const lines = new Set(text.out.split('\n'));
      return [...linesByFile.get(file)!].every((line) => lines.has(line));
    });
    if (!before) return found;
  }
  return shallow ? missing : { kind: 'unknown' };
}
