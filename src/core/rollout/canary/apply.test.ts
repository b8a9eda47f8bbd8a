import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMeshModel } from '../../mesh/model.js';
import { recoverInterruptedWrites } from '../../workspace/atomic.js';
import { canaryFluxWorkspace } from './__fixtures__/repos.js';
import { applyCanaryStep } from './apply.js';
import { planCanary } from './plan.js';

const ISTIO_DIR = 'infrastructure/istio';

/** Every file of the istio folder (temps included), with its content. */
function istioTree(dir: string): Record<string, string> {
  const folder = join(dir, ISTIO_DIR);
  return Object.fromEntries(
    readdirSync(folder).map((name) => [name, readFileSync(join(folder, name), 'utf8')]),
  );
}

/** The Flux canary repo after steps 1 and 2 merged: only the cleanup is left. */
async function readyForCleanup(): Promise<string> {
  const dir = canaryFluxWorkspace();
  const add = planCanary({ model: await buildMeshModel(dir), strategy: 'canary', target: '1.31.0' });
  applyCanaryStep(dir, add!);
  const move = planCanary({ model: await buildMeshModel(dir), strategy: 'canary' });
  expect(move?.phase).toBe('move');
  applyCanaryStep(dir, move!);
  // Stands in for step 2's sidecar re-render: the status annotations name the new revision.
  for (const file of ['productpage', 'ratings', 'reviews'].map((n) => join(dir, `apps/bookinfo/${n}.yaml`)))
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replaceAll('"revision":"default"', '"revision":"1-31-0"')
        .replaceAll('istiod.istio-system.svc', 'istiod-1-31-0.istio-system.svc'),
    );
  return dir;
}

describe('the canary cleanup is one all-or-nothing change', () => {
  let harness: string;
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'cleanup-and-die-'));
    harness = join(out, 'cleanup-and-die.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, '__fixtures__/cleanup-and-die.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: harness,
      logLevel: 'silent',
      // CommonJS dependencies bundled into ESM need a require.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  });

  it('deletes the old istiod, unlists it and moves defaultRevision in one journaled write', async () => {
    const dir = await readyForCleanup();
    const plan = planCanary({ model: await buildMeshModel(dir), strategy: 'canary' });
    const steps: string[] = [];
    const result = applyCanaryStep(dir, plan!, {
      beforeStep: (at, path) => steps.push(`${at} ${path.slice(dir.length + 1)}`),
    });
    // The deletion is a step of the same write as the two edits, not a separate call after it.
    expect(result.files).toEqual([
      `${ISTIO_DIR}/istiod-1-31-0.yaml`,
      `${ISTIO_DIR}/istiod.yaml`,
      `${ISTIO_DIR}/kustomization.yaml`,
    ]);
    expect(steps.filter((s) => s.startsWith('commit'))).toEqual(result.files.map((f) => `commit ${f}`));
    expect(existsSync(join(dir, ISTIO_DIR, 'istiod.yaml'))).toBe(false);
  });

  for (const index of [0, 1, 2]) {
    it(`a failure before commit ${index} leaves the whole old tree: the old istiod, its listing, no defaultRevision`, async () => {
      const dir = await readyForCleanup();
      const before = istioTree(dir);
      const plan = planCanary({ model: await buildMeshModel(dir), strategy: 'canary' });
      expect(() =>
        applyCanaryStep(dir, plan!, {
          beforeStep: (at, _p, n) => {
            if (at === 'commit' && n === index) throw new Error('disk full');
          },
        }),
      ).toThrow('disk full');
      expect(istioTree(dir)).toEqual(before);
    });
  }

  for (const index of [1, 2]) {
    it(`a run SIGKILLed before commit ${index} is rolled back by the journal; the next plan is the cleanup again`, async () => {
      const dir = await readyForCleanup();
      const before = istioTree(dir);
      const run = spawnSync(process.execPath, [harness, dir, String(index), 'SIGKILL'], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.signal).toBe('SIGKILL');
      // Killed mid-commit: the tree on disk is neither the old one nor the new one.
      expect(istioTree(dir)).not.toEqual(before);
      recoverInterruptedWrites(dir);
      expect(istioTree(dir)).toEqual(before);
      const again = planCanary({ model: await buildMeshModel(dir), strategy: 'canary' });
      expect(again?.phase).toBe('cleanup');
    });
  }

  it('a run stopped by SIGTERM mid-commit finishes the whole cleanup first', async () => {
    const dir = await readyForCleanup();
    const run = spawnSync(process.execPath, [harness, dir, '1', 'SIGTERM'], { encoding: 'utf8' });
    expect(run.signal).toBe('SIGTERM');
    expect(run.stdout).toBe('written\n');
    const after = istioTree(dir);
    expect(after['istiod.yaml']).toBeUndefined();
    expect(after['kustomization.yaml']).not.toContain('- istiod.yaml');
    expect(after['istiod-1-31-0.yaml']).toContain('defaultRevision: 1-31-0');
    expect(Object.keys(after).some((name) => name.includes('.autopilot-'))).toBe(false);
  });
});
