import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSidecars } from './render-sidecars.js';

// The output directory is checked before anything runs, so these need no istioctl.
describe('render-dir output stays inside the workspace', () => {
  const attempt = (workspace: string, outputDir: string) =>
    renderSidecars({ workspace, output: 'render-dir', outputDir, istioctl: '/no/such/istioctl' }).catch(
      (e: unknown) => e,
    ) as Promise<Error & { input?: string }>;

  it('refuses an output-dir that is a link leading outside, naming output-dir (not paths)', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'render-ws-'));
    const outside = mkdtempSync(join(tmpdir(), 'render-outside-'));
    symlinkSync(outside, join(workspace, 'rendered'));
    const error = await attempt(workspace, 'rendered');
    expect(error.message).toMatch(/'rendered' leads outside the workspace through a symbolic link/);
    expect(error.input).toBe('output-dir');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses an output-dir with .. or an absolute path outside, naming output-dir', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'render-ws-'));
    expect((await attempt(workspace, '../rendered')).input).toBe('output-dir');
    expect((await attempt(workspace, '/tmp/rendered')).input).toBe('output-dir');
  });
});
