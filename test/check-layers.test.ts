import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = new URL('../scripts/check-layers.mjs', import.meta.url).pathname;

/** Runs the layer check on a src/ tree made of `files` (path -> content); exit code and output. */
function checkTree(files: Record<string, string>): { code: number; output: string } {
  const src = join(mkdtempSync(join(tmpdir(), 'layers-')), 'src');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  try {
    return { code: 0, output: execFileSync('node', [SCRIPT, src], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const e = error as { status: number; stderr: string };
    return { code: e.status, output: e.stderr };
  }
}

describe('layer check (npm run lint)', () => {
  it("passes today's tree", () => {
    const output = execFileSync('node', [SCRIPT], { encoding: 'utf8' });
    expect(output).toMatch(/no cycle/);
  });

  it('fails on an import cycle between two core folders, naming both imports', () => {
    const result = checkTree({
      'core/pins/bump.ts': "import { list } from '../releases/list.js';\nexport const bump = list;\n",
      'core/releases/list.ts': "import type { Pin } from '../pins/types.js';\nexport const list = 1;\n",
      'core/pins/types.ts': 'export interface Pin { v: string }\n',
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/import cycle between core\/pins, core\/releases/);
    expect(result.output).toContain('core/pins/bump.ts imports core/releases/list.ts');
    expect(result.output).toContain('core/releases/list.ts imports core/pins/types.ts');
  });

  it('finds a cycle through three folders and one made by a re-export', () => {
    const result = checkTree({
      'core/a/x.ts': "export * from '../b/y.js';\n",
      'core/b/y.ts': "import '../c/z.js';\nexport const y = 1;\n",
      'core/c/z.ts': "const a = await import('../a/x.js');\nexport const z = a;\n",
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/import cycle between core\/a, core\/b, core\/c/);
  });

  it('fails when core imports an action or the CLI', () => {
    const result = checkTree({
      'core/pins/bump.ts': "import { run } from '../../actions/bump.js';\nexport const b = run;\n",
      'actions/bump.ts': 'export const run = 1;\n',
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'core/pins/bump.ts imports actions/bump.ts: core must not import actions/',
    );
  });

  it('lets versions/ import only the shared errors and logger modules', () => {
    const leafOnly = checkTree({
      'core/versions/range.ts': "import { E } from '../errors.js';\nexport const r = E;\n",
      'core/errors.ts': 'export class E {}\n',
    });
    expect(leafOnly.code).toBe(0);
    const upward = checkTree({
      'core/versions/range.ts': "import { d } from '../releases/dataset.js';\nexport const r = d;\n",
      'core/releases/dataset.ts': 'export const d = 1;\n',
    });
    expect(upward.code).toBe(1);
    expect(upward.output).toContain('core/versions/ imports nothing of ours except errors.ts, logger.ts');
  });

  it('ignores imports inside comments, and imports within one folder', () => {
    const result = checkTree({
      'core/pins/a.ts':
        "// import { x } from '../releases/b.js';\nimport { c } from './c.js';\nexport const a = c;\n",
      'core/pins/c.ts': 'export const c = 1;\n',
      'core/releases/b.ts': "import { a } from '../pins/a.js';\nexport const b = a;\n",
    });
    expect(result.code).toBe(0);
  });
});
