// merge.ts against the real helm: `-f` files merged in order, then `--set` / `--set-string` over them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dumpedValues, findHelm, writeValuesDumpChart } from './__fixtures__/helm.js';
import { mergeLayers, parseSetValue, setLayer } from './merge.js';
import type { Values } from './merge.js';

const helm = findHelm();
const work = mkdtempSync(join(tmpdir(), 'merge-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const files: Values[] = [
  { pilot: { autoscaleMin: 1, env: { A: 'a' } }, global: { proxy: { excludeIPRanges: ['a', 'b', 'c'] } } },
  { pilot: { env: { B: 'b' } }, global: { proxy: { excludeIPRanges: ['x', 'y'] }, hub: 'docker.io/istio' } },
];
const sets: [string, string, boolean][] = [
  ['global.proxy.excludeIPRanges[1]', 'z', false],
  ['pilot.autoscaleMin', '3', false],
  ['pilot.env.ENABLED', 'true', true],
  ['meshConfig.defaultConfig.proxyMetadata.LIST', '{p,q}', false],
  ['nodeSelector.kubernetes\\.io/os', 'linux', false],
];

describe.skipIf(!helm)('values merge matches helm', () => {
  it('merges -f files and applies --set / --set-string as helm template does', () => {
    const chart = join(work, 'dump');
    writeValuesDumpChart(chart, 'dump');
    const args = ['template', 'dump', chart];
    files.forEach((values, i) => {
      const file = join(work, `values-${i}.yaml`);
      writeFileSync(file, stringify(values));
      args.push('-f', file);
    });
    for (const [path, value, forceString] of sets)
      args.push(forceString ? '--set-string' : '--set', `${path}=${value}`);
    const fromHelm = dumpedValues(execFileSync(helm!, args, { encoding: 'utf8', timeout: 60_000 })).get(
      'dump',
    );

    const layers = files.map((values) => ({ values }));
    for (const [path, value, forceString] of sets) {
      layers.push({ values: setLayer(mergeLayers(layers), path, parseSetValue(value, forceString)) });
    }
    expect(fromHelm).toEqual(mergeLayers(layers));
  });
});
