// Umbrella-chart values against what the real `helm template` hands each subchart (alias, condition,
// globals). Skips with a reason when helm is not installed (GitHub's hosted runners ship it).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpedValues, findHelm, writeValuesDumpChart } from '../__fixtures__/helm.js';
import { fixtureReader } from '../__fixtures__/objects.js';
import { findUmbrellaCharts } from './umbrella-charts.js';

const helm = findHelm();
const work = mkdtempSync(join(tmpdir(), 'umbrella-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fixture umbrella chart, with stub subcharts that print the values Helm gives them. */
function umbrellaWithStubs(): string {
  const chart = join(work, 'mesh');
  cpSync(fileURLToPath(new URL('./__fixtures__/repo/charts/mesh/', import.meta.url)), chart, {
    recursive: true,
  });
  for (const name of ['istiod', 'cni', 'ztunnel']) writeValuesDumpChart(join(chart, 'charts', name), name);
  return chart;
}

describe.skipIf(!helm)('umbrella chart values match helm template', () => {
  it('gives each enabled subchart exactly the values helm passes it', async () => {
    const chart = umbrellaWithStubs();
    const output = execFileSync(helm!, ['template', 'mesh', chart], { encoding: 'utf8', timeout: 60_000 });
    const rendered = dumpedValues(output);
    const declared = await findUmbrellaCharts({
      objects: [],
      readFile: fixtureReader(new URL('./__fixtures__/repo/', import.meta.url)),
      files: ['charts/mesh/Chart.yaml'],
    });
    // Helm names an aliased subchart by its alias; the ztunnel subchart's condition is false.
    const keys = declared.map((d) => d.name.split(' dependency ')[1]!);
    expect([...rendered.keys()].sort()).toEqual(['cni', 'istiod-canary']);
    expect(keys.sort()).toEqual(['cni', 'istiod-canary']);
    for (const declaration of declared) {
      expect(rendered.get(declaration.name.split(' dependency ')[1]!)).toEqual(declaration.values);
    }
  });
});
