import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { kustomizeBuild, locateKustomize, RenderError } from './kustomize.js';
import { buildMeshModel } from './model.js';

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-kustomize-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('kustomize', () => {
  it('says how to install kustomize when neither it nor kubectl is on PATH', () => {
    const error = (() => {
      try {
        return locateKustomize({ PATH: mkdtempSync(join(tmpdir(), 'empty-path-')) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).hint).toContain('go install sigs.k8s.io/kustomize/kustomize/v5@v5.6.0');
  });

  it('finds kustomize on PATH, and kubectl kustomize when only kubectl is there', () => {
    expect(locateKustomize().command).toMatch(/kustomize$/);
    const onlyKubectl = mkdtempSync(join(tmpdir(), 'kubectl-only-'));
    writeFileSync(join(onlyKubectl, 'kubectl'), '#!/bin/sh\n', { mode: 0o755 });
    expect(locateKustomize({ PATH: onlyKubectl })).toMatchObject({ prefix: ['kustomize'] });
  });

  it("fails a build with kustomize's own message naming the directory", async () => {
    const dir = repo({ 'kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    await expect(kustomizeBuild(locateKustomize(), dir, { shownAs: 'apps' })).rejects.toThrow(RenderError);
    await expect(kustomizeBuild(locateKustomize(), dir, { shownAs: 'apps' })).rejects.toThrow(
      /kustomize build apps failed: .*missing\.yaml/,
    );
  });

  it('kills a build that passes its deadline', async () => {
    const slow = mkdtempSync(join(tmpdir(), 'slow-'));
    writeFileSync(join(slow, 'kustomize'), '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    await expect(
      kustomizeBuild({ command: join(slow, 'kustomize'), prefix: [], description: 'slow' }, slow, {
        timeoutMs: 200,
      }),
    ).rejects.toThrow(/did not finish within/);
  });

  it('never lets a repo make kustomize fetch a remote base: the root is left out with a warning', async () => {
    const dir = repo({
      'apps/kustomization.yaml': 'resources:\n  - github.com/example/fleet//base?ref=main\n',
    });
    const model = await buildMeshModel(dir);
    expect(model.warnings.map((w) => w.message)).toEqual([
      'apps pulls github.com/example/fleet//base?ref=main from the network; remote bases are not rendered (vendor them into the repository)',
    ]);
  });
});
