import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFilesAtomically } from './atomic.js';
import type { WriteStage } from './atomic.js';

function fiveFiles() {
  const root = mkdtempSync(join(tmpdir(), 'atomic-'));
  const paths = [1, 2, 3, 4, 5].map((n) => join(root, `f${n}.yaml`));
  paths.forEach((path, n) => writeFileSync(path, `original ${n}\n`));
  return { root, paths };
}

const snapshot = (root: string) =>
  Object.fromEntries(readdirSync(root).map((name) => [name, readFileSync(join(root, name), 'utf8')]));

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

  it('keeps the file mode of the file it replaces', () => {
    const { paths } = fiveFiles();
    chmodSync(paths[0]!, 0o600);
    writeFilesAtomically([{ path: paths[0]!, content: 'x' }]);
    expect(statSync(paths[0]!).mode & 0o777).toBe(0o600);
  });
});
