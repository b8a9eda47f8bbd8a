// Umbrella-chart values against what the real `helm template` hands each subchart (alias, condition,
// globals). Skips with a reason when helm is not installed (GitHub's hosted runners ship it).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fixtureReader } from '../__fixtures__/objects.js';
import { findUmbrellaCharts } from './umbrella-charts.js';

function findHelm(): string | undefined {
  const candidates = ['helm', join(process.env.GOPATH ?? join(homedir(), 'go'), 'bin', 'helm')];
  return candidates.find(
    (c) => spawnSync(c, ['version', '--short'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  );
}

const helm = findHelm();
const work = mkdtempSync(join(tmpdir(), 'umbrella-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fixture umbrella chart, with stub subcharts that print the values Helm gives them. */
function umbrellaWithStubs(): string {
  const chart = join(work, 'mesh');
  cpSync(fileURLToPath(new URL('./__fixtures__/repo/charts/mesh/', import.meta.url)), chart, {
    recursive: true,
  });
  for (const name of ['istiod', 'cni', 'ztunnel']) {
    const dir = join(chart, 'charts', name);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.24.2\n`);
    writeFileSync(
      join(dir, 'templates', 'values.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\ndata:\n  values: {{ toJson .Values | quote }}\n',
    );
  }
  return chart;
}

describe.skipIf(!helm)('umbrella chart values match helm template', () => {
  it('gives each enabled subchart exactly the values helm passes it', async () => {
    const chart = umbrellaWithStubs();
    const output = execFileSync(helm!, ['template', 'mesh', chart], { encoding: 'utf8', timeout: 60_000 });
    const rendered = new Map(
      parseAllDocuments(output)
        .map((d) => d.toJS() as { metadata: { name: string }; data: { values: string } } | null)
        .filter((d) => d !== null)
        .map((d) => [d.metadata.name, JSON.parse(d.data.values) as Record<string, unknown>]),
    );
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
