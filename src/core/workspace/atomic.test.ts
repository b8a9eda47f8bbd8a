import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileChangedError, recoverInterruptedWrites, writeFilesAtomically } from './atomic.js';
import type { WriteStage } from './atomic.js';
import { lockWorkspace, WorkspaceBusyError, writeStateDir } from './lock.js';

function fiveFiles() {
  const root = mkdtempSync(join(tmpdir(), 'atomic-'));
  const paths = [1, 2, 3, 4, 5].map((n) => join(root, `f${n}.yaml`));
  paths.forEach((path, n) => writeFileSync(path, `original ${n}\n`));
  return { root, paths };
}

const snapshot = (root: string) =>
  Object.fromEntries(readdirSync(root).map((name) => [name, readFileSync(join(root, name), 'utf8')]));

/** Every file under root (temps included), with its content. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = readFileSync(join(dir, entry.name), 'utf8');
    }
  };
  walk(root, '');
  return out;
}

describe('writeFilesAtomically', () => {
  it('writes every file', () => {
    const { root, paths } = fiveFiles();
    writeFilesAtomically(paths.map((path, n) => ({ path, content: `new ${n}\n` })));
    expect(Object.values(snapshot(root))).toEqual(['new 0\n', 'new 1\n', 'new 2\n', 'new 3\n', 'new 4\n']);
  });

  for (const stage of ['stage', 'commit'] as WriteStage[]) {
    it(`leaves every file unchanged and no temp files when the third file fails at ${stage}`, () => {
      const { root, paths } = fiveFiles();
      const before = snapshot(root);
      expect(() =>
        writeFilesAtomically(
          paths.map((path, n) => ({ path, content: `new ${n}\n` })),
          {
            beforeStep: (at, _path, index) => {
              if (at === stage && index === 2) throw new Error('disk full');
            },
          },
        ),
      ).toThrow('disk full');
      expect(snapshot(root)).toEqual(before);
    });
  }

  it('deletes files in the same change as it writes others', () => {
    const { root, paths } = fiveFiles();
    writeFilesAtomically([
      { path: paths[0]!, content: null },
      { path: paths[1]!, content: 'new 1\n' },
      { path: join(root, 'f9.yaml'), content: 'created\n', expected: null },
      { path: join(root, 'absent.yaml'), content: null },
    ]);
    expect(tree(root)).toEqual({
      'f2.yaml': 'new 1\n',
      'f3.yaml': 'original 2\n',
      'f4.yaml': 'original 3\n',
      'f5.yaml': 'original 4\n',
      'f9.yaml': 'created\n',
    });
  });

  for (const stage of ['stage', 'commit'] as WriteStage[]) {
    it(`brings deleted files back, mode included, when a later file fails at ${stage}`, () => {
      const { root, paths } = fiveFiles();
      chmodSync(paths[0]!, 0o600);
      const before = snapshot(root);
      expect(() =>
        writeFilesAtomically(
          paths.map((path, n) => ({ path, content: n % 2 === 0 ? null : `new ${n}\n` })),
          { beforeStep: (at, _p, index) => (at === stage && index === 3 ? fail() : undefined) },
        ),
      ).toThrow('boom');
      expect(tree(root)).toEqual(before);
      expect(statSync(paths[0]!).mode & 0o777).toBe(0o600);
    });
  }

  it('fails, deleting nothing, when a file it means to delete changed since it was read', () => {
    const { root, paths } = fiveFiles();
    const read = readFileSync(paths[0]!);
    writeFileSync(paths[0]!, 'edited by someone else\n');
    const before = snapshot(root);
    expect(() =>
      writeFilesAtomically([
        { path: paths[0]!, content: null, expected: read },
        { path: paths[1]!, content: 'new\n' },
      ]),
    ).toThrow(FileChangedError);
    expect(tree(root)).toEqual(before);
  });

  it('refuses to delete a directory, naming it, and writes nothing', () => {
    const { root, paths } = fiveFiles();
    mkdirSync(join(root, 'sub'));
    const before = tree(root);
    expect(() =>
      writeFilesAtomically([
        { path: paths[1]!, content: 'new\n' },
        { path: join(root, 'sub'), content: null },
      ]),
    ).toThrow(/not a file/);
    expect(tree(root)).toEqual(before);
  });

  it('keeps the file mode of the file it replaces', () => {
    const { paths } = fiveFiles();
    chmodSync(paths[0]!, 0o600);
    writeFilesAtomically([{ path: paths[0]!, content: 'x' }]);
    expect(statSync(paths[0]!).mode & 0o777).toBe(0o600);
  });

  it('keeps a 0600 file at 0600 when a later file fails and the write rolls back', () => {
    const { paths } = fiveFiles();
    chmodSync(paths[0]!, 0o600);
    expect(() =>
      writeFilesAtomically(
        paths.map((path) => ({ path, content: 'new\n' })),
        { beforeStep: (at, _p, index) => (at === 'commit' && index === 4 ? fail() : undefined) },
      ),
    ).toThrow('boom');
    expect(readFileSync(paths[0]!, 'utf8')).toBe('original 0\n');
    expect(statSync(paths[0]!).mode & 0o777).toBe(0o600);
  });

  it('fails the commit, writing nothing, when a file changed since it was read', () => {
    const { root, paths } = fiveFiles();
    const read = readFileSync(paths[1]!);
    writeFileSync(paths[1]!, 'edited by someone else\n');
    const before = snapshot(root);
    expect(() =>
      writeFilesAtomically(
        paths.map((path, n) => ({ path, content: `new ${n}\n`, expected: n === 1 ? read : undefined })),
      ),
    ).toThrow(FileChangedError);
    expect(snapshot(root)).toEqual(before);
  });

  it('fails when a file it means to create was created meanwhile', () => {
    const { paths } = fiveFiles();
    expect(() => writeFilesAtomically([{ path: paths[0]!, content: 'x', expected: null }])).toThrow(
      /created by someone else/,
    );
  });

  it('makes a second writer of the same tree wait, then fail naming the lock holder', () => {
    const { root, paths } = fiveFiles();
    const lock = lockWorkspace(writeStateDir(root), root);
    try {
      let error: unknown;
      try {
        writeFilesAtomically([{ path: paths[0]!, content: 'x' }], { root, lockWaitMs: 200 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WorkspaceBusyError);
      expect((error as Error).message).toContain(`process ${process.pid}`);
      expect(readFileSync(paths[0]!, 'utf8')).toBe('original 0\n');
    } finally {
      lock.release();
    }
  });

  it('takes over the lock of a writer that is gone', () => {
    const { root, paths } = fiveFiles();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(
      join(writeStateDir(root), 'lock'),
      JSON.stringify({ pid: Number(dead.stdout.toString()), host: hostname(), since: 'then' }),
    );
    writeFilesAtomically([{ path: paths[0]!, content: 'x' }], { root, lockWaitMs: 0 });
    expect(readFileSync(paths[0]!, 'utf8')).toBe('x');
  });
});

function fail(): never {
  throw new Error('boom');
}

describe('writes in a process that is stopped by a signal', () => {
  let harness: string;
  const COUNT = 600;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'write-and-die-'));
    harness = join(out, 'write-and-die.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, '__fixtures__/write-and-die.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: harness,
      logLevel: 'silent',
    });
  });

  function gitTree(): string {
    const root = mkdtempSync(join(tmpdir(), 'signal-tree-'));
    mkdirSync(join(root, '.git'));
    for (let n = 0; n < COUNT; n++) {
      mkdirSync(join(root, `dir${n % 10}`), { recursive: true });
      writeFileSync(join(root, `dir${n % 10}`, `f${n}.yaml`), `old ${n}\n`);
    }
    return root;
  }

  const contents = (root: string) => Object.entries(tree(root)).filter(([path]) => !path.startsWith('.git/'));
  const allNew = (root: string) =>
    contents(root).every(([path, text]) => text === `new ${/f(\d+)\.yaml$/.exec(path)?.[1]}\n`);
  const allOld = (root: string) =>
    contents(root).every(([path, text]) => text === `old ${/f(\d+)\.yaml$/.exec(path)?.[1]}\n`);

  for (const [stage, index] of [
    ['stage', 0],
    ['stage', 300],
    ['commit', 0],
    ['commit', 300],
    ['commit', COUNT - 1],
  ] as const) {
    it(`finishes the whole write before SIGTERM at ${stage} ${index} stops it, leaving no temps`, () => {
      const root = gitTree();
      const run = spawnSync(process.execPath, [
        harness,
        root,
        String(COUNT),
        stage,
        String(index),
        'SIGTERM',
      ]);
      expect(run.signal).toBe('SIGTERM');
      // The write was finished first, and the run stopped right after it.
      expect(run.stdout.toString()).toBe('written\n');
      expect(contents(root)).toHaveLength(COUNT);
      expect(allNew(root)).toBe(true);
      expect(existsSync(join(root, '.git/istio-autopilot/journal.json'))).toBe(false);
    });
  }

  it('finishes the write before SIGINT stops it', () => {
    const root = gitTree();
    const run = spawnSync(process.execPath, [harness, root, String(COUNT), 'commit', '10', 'SIGINT']);
    expect(run.signal).toBe('SIGINT');
    expect(allNew(root)).toBe(true);
  });

  // A change that deletes every third file and rewrites the rest: the journal brings back both kinds.
  const mixedNew = (root: string) =>
    contents(root).length === COUNT - Math.ceil((COUNT - 1) / 3) &&
    contents(root).every(([path]) => Number(/f(\d+)\.yaml$/.exec(path)?.[1]) % 3 !== 1) &&
    allNew(root);

  for (const [stage, index] of [
    ['stage', 300],
    ['commit', 1],
    ['commit', 299],
    ['commit', 300],
  ] as const) {
    it(`rolls back a write with deletions SIGKILLed at ${stage} ${index}: every deleted file comes back`, () => {
      const root = gitTree();
      const run = spawnSync(process.execPath, [
        harness,
        root,
        String(COUNT),
        stage,
        String(index),
        'SIGKILL',
        'deletes',
      ]);
      expect(run.signal).toBe('SIGKILL');
      const real = contents(root).filter(([path]) => !path.includes('.autopilot-'));
      // Killed mid-commit: some deletions had happened, so the tree was neither old nor new.
      if (stage === 'commit' && index > 1) expect(real.length).toBeLessThan(COUNT);
      recoverInterruptedWrites(root);
      expect(contents(root)).toHaveLength(COUNT);
      expect(allOld(root)).toBe(true);
    });
  }

  it('finishes a write with deletions before SIGTERM stops it: the whole new tree, no temps', () => {
    const root = gitTree();
    const run = spawnSync(process.execPath, [
      harness,
      root,
      String(COUNT),
      'commit',
      '300',
      'SIGTERM',
      'deletes',
    ]);
    expect(run.signal).toBe('SIGTERM');
    expect(run.stdout.toString()).toBe('written\n');
    expect(mixedNew(root)).toBe(true);
    expect(existsSync(join(root, '.git/istio-autopilot/journal.json'))).toBe(false);
  });

  for (const [stage, index] of [
    ['stage', 300],
    ['commit', 1],
    ['commit', 300],
  ] as const) {
    it(`rolls back a write SIGKILLed at ${stage} ${index} on the next run, and removes its temps`, () => {
      const root = gitTree();
      const run = spawnSync(process.execPath, [
        harness,
        root,
        String(COUNT),
        stage,
        String(index),
        'SIGKILL',
      ]);
      expect(run.signal).toBe('SIGKILL');
      // Killed without a chance to clean up: temps (and for a commit, a mixed tree) are left.
      expect(contents(root).some(([path]) => path.includes('.autopilot-'))).toBe(true);
      recoverInterruptedWrites(root);
      expect(contents(root)).toHaveLength(COUNT);
      expect(allOld(root)).toBe(true);
    });
  }
});
