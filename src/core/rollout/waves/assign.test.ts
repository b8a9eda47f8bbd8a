import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../config/repo-config.js';
import { buildMeshModel } from '../../mesh/model.js';
import { extractPins } from '../../pins/engine.js';
import { assignWaves, sharedPinAdvice } from './assign.js';

const fleet = join(new URL('../../../..', import.meta.url).pathname, 'test/fixtures/fleet-waves');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'waves-assign-'));
  dirs.push(dir);
  cpSync(fleet, dir, { recursive: true });
  return dir;
}

async function assign(dir: string, configText?: string) {
  const config = parseRepoConfig(
    configText ?? readFileSync(join(dir, '.github/istio-autopilot.yaml'), 'utf8'),
  );
  const model = await buildMeshModel(dir);
  return assignWaves(config.waves!, model, extractPins({ root: dir }).pins);
}

describe('which clusters and pins each wave owns', () => {
  it('gives each wave its cluster and its own version ConfigMap', async () => {
    const result = await assign(copy());
    expect(
      result.waves.map((w) => [
        w.wave.name,
        w.clusters.map((c) => c.name),
        w.controlPlanePins.map((p) => p.file),
      ]),
    ).toEqual([
      ['dev', ['clusters/dev'], ['clusters/dev/istio-version.yaml']],
      ['staging', ['clusters/staging'], ['clusters/staging/istio-version.yaml']],
      ['prod', ['clusters/prod'], ['clusters/prod/istio-version.yaml']],
    ]);
    expect(result.shared).toEqual([]);
  });

  it('finds a version written in the shared base, refuses it to every wave and suggests the per-cluster ConfigMap', async () => {
    const dir = copy();
    for (const file of ['istiod.yaml', 'istio-base.yaml']) {
      const path = join(dir, 'infrastructure/istio', file);
      writeFileSync(path, readFileSync(path, 'utf8').replace('"${version}"', '"1.30.4"'));
    }
    const result = await assign(dir);
    expect(result.shared.map((s) => [s.pin.file, s.waves])).toEqual([
      ['infrastructure/istio/istio-base.yaml', ['dev', 'staging', 'prod']],
      ['infrastructure/istio/istiod.yaml', ['dev', 'staging', 'prod']],
    ]);
    expect(result.waves.every((w) => w.controlPlanePins.length === 0)).toBe(true);
    expect(sharedPinAdvice(result.shared[1]!)).toMatch(
      /infrastructure\/istio\/istiod.yaml:\d+ .* pins 1\.30\.4 for waves dev, staging, prod at once .*not bumped wave by wave.*ConfigMap per cluster.*substituteFrom/,
    );
  });

  it('names the line of a wave that matches no cluster and no pin', async () => {
    const text =
      'waves:\n  - name: dev\n    paths: [clusters/dev/**]\n  - name: qa\n    paths: [clusters/qa/**]\n';
    await expect(assign(copy(), text)).rejects.toMatchObject({
      message: expect.stringMatching(/wave 'qa' matches no cluster and no pin/),
      line: 4,
    });
  });
});
