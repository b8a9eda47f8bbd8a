import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { AnalyzeFinding } from '../istioctl/analyze.js';
import { buildSarif, writeSarifFile } from './sarif.js';

const schema = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/sarif-2.1.0-subset.schema.json', import.meta.url), 'utf8'),
) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const findings: AnalyzeFinding[] = [
  {
    code: 'IST0128',
    level: 'Warning',
    origin: 'DestinationRule web/frontend',
    message: 'no caCertificates',
    documentationUrl: 'https://istio.io/v1.30/docs/reference/config/analysis/ist0128/?ref=istioctl-analyze',
    reference: 'apps/web/dr.yaml:1',
    file: 'apps/web/dr.yaml',
    line: 1,
    source: 'istioctl',
  },
  {
    code: 'IST0101',
    level: 'Error',
    origin: 'VirtualService shop/reviews',
    message: 'Referenced host+subset in destinationrule not found',
    documentationUrl: 'https://istio.io/v1.30/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze',
    reference: 'apps/shop/vs.yaml:13',
    file: 'apps/shop/vs.yaml',
    line: 13,
    source: 'istioctl',
  },
  {
    code: 'IST0131',
    level: 'Info',
    origin: 'VirtualService web/j',
    message: 'unused match',
    reference: 'j son/vs.json',
    file: 'j son/vs.json',
    source: 'istioctl',
  },
  { code: 'IST0999', level: 'Warning', origin: 'MeshConfig', message: 'mesh-wide', source: 'istioctl' },
];

interface SarifRun {
  tool: { driver: { version: string; rules: unknown[] } };
  results: {
    ruleId: string;
    ruleIndex: number;
    level: string;
    locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  }[];
  invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
}

describe('buildSarif', () => {
  const sarif = buildSarif(findings, {
    toolVersion: '1.30.4',
    skipped: [{ file: 'kustomization.yaml', line: 1, reason: 'no apiVersion' }],
    toRepoPath: (f) => `manifests/${f}`,
  });
  const run = (sarif.runs as SarifRun[])[0]!;

  it('validates against the SARIF 2.1.0 schema', () => {
    expect(validate(sarif), ajv.errorsText(validate.errors)).toBe(true);
    expect(sarif.version).toBe('2.1.0');
  });

  it('has a rule per code with its help page, most severe first', () => {
    expect(run.tool.driver.rules).toEqual([
      expect.objectContaining({
        id: 'IST0101',
        helpUri: 'https://istio.io/v1.30/docs/reference/config/analysis/ist0101/',
        defaultConfiguration: { level: 'error' },
      }),
      expect.objectContaining({ id: 'IST0128', defaultConfiguration: { level: 'warning' } }),
      expect.objectContaining({ id: 'IST0999' }),
      expect.objectContaining({ id: 'IST0131', defaultConfiguration: { level: 'note' } }),
    ]);
    expect(run.tool.driver.version).toBe('1.30.4');
  });

  it('locates results at repo-relative paths and lines, mapping levels', () => {
    expect(
      run.results.map((r) => [
        r.ruleId,
        r.ruleIndex,
        r.level,
        r.locations[0]!.physicalLocation.artifactLocation.uri,
        r.locations[0]!.physicalLocation.region.startLine,
      ]),
    ).toEqual([
      ['IST0101', 0, 'error', 'manifests/apps/shop/vs.yaml', 13],
      ['IST0128', 1, 'warning', 'manifests/apps/web/dr.yaml', 1],
      ['IST0131', 3, 'note', 'manifests/j%20son/vs.json', 1],
    ]);
  });

  it('keeps findings without a file and skipped documents as notifications, not results', () => {
    expect(run.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text)).toEqual([
      'IST0999 MeshConfig: mesh-wide',
      'skipped kustomization.yaml:1: no apiVersion',
    ]);
  });

  it('is rejected by the schema when a required member is missing', () => {
    const broken = JSON.parse(JSON.stringify(sarif)) as { runs: { results: { message?: unknown }[] }[] };
    delete broken.runs[0]!.results[0]!.message;
    expect(validate(broken)).toBe(false);
  });
});

describe('writeSarifFile stays inside the workspace', () => {
  const setup = () => {
    const workspace = mkdtempSync(join(tmpdir(), 'sarif-ws-'));
    const outside = mkdtempSync(join(tmpdir(), 'sarif-outside-'));
    writeFileSync(join(outside, 'victim'), 'precious\n');
    return { workspace, outside };
  };
  const write = (workspace: string, path: string) =>
    writeSarifFile(workspace, path, [], { toolVersion: '1.31.0' });

  it('writes the log under the workspace, creating its folder', async () => {
    const { workspace } = setup();
    expect(await write(workspace, 'reports/istio.sarif')).toBe(join('reports', 'istio.sarif'));
    expect(JSON.parse(readFileSync(join(workspace, 'reports/istio.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('refuses a sarif-file that climbs out with ..', async () => {
    const { workspace, outside } = setup();
    const path = relative(workspace, join(outside, 'victim'));
    await expect(write(workspace, path)).rejects.toMatchObject({ input: 'sarif-file' });
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('refuses an absolute sarif-file outside the workspace', async () => {
    const { workspace, outside } = setup();
    await expect(write(workspace, join(outside, 'victim'))).rejects.toThrow(/leads outside the workspace/);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('refuses a sarif-file that is a symbolic link to a file outside', async () => {
    const { workspace, outside } = setup();
    symlinkSync(join(outside, 'victim'), join(workspace, 'results.sarif'));
    await expect(write(workspace, 'results.sarif')).rejects.toThrow(/through a symbolic link/);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('refuses a new sarif-file under a linked directory that leads outside', async () => {
    const { workspace, outside } = setup();
    symlinkSync(outside, join(workspace, 'out'));
    await expect(write(workspace, 'out/new/results.sarif')).rejects.toMatchObject({ input: 'sarif-file' });
    expect(readdirSync(outside)).toEqual(['victim']);
  });

  it('refuses a dangling link that would create a file outside', async () => {
    const { workspace, outside } = setup();
    symlinkSync(join(outside, 'created'), join(workspace, 'results.sarif'));
    await expect(write(workspace, 'results.sarif')).rejects.toThrow(/leads outside/);
    expect(readdirSync(outside)).toEqual(['victim']);
  });
});
