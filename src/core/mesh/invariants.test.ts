import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMeshInvariants } from './invariants.js';
import { buildMeshModel } from './model.js';

const fixtures = join(new URL('../../..', import.meta.url).pathname, 'test/fixtures/mesh/invariants');
// Before Istio removes the old hosts: only versions they never carried (1.31 on) fail MESH004.
const now = new Date('2026-11-20T00:00:00Z');

async function findings(name: string) {
  const model = await buildMeshModel(join(fixtures, name));
  return checkMeshInvariants(model, { now }).map((f) => `${f.code} ${f.file}:${f.line} ${f.origin}`);
}

describe('mesh invariants', () => {
  it('finds each invariant by code, file and line on the failing fixture', async () => {
    expect(await findings('failing')).toEqual([
      'MESH001 double-sidecar.yaml:6 Deployment shop/double',
      'MESH002 workloads.yaml:41 Deployment shop/ahead',
      'MESH003 workloads.yaml:62 Deployment shop/behind',
      'MESH004 control-plane.yaml:9 HelmRelease istio-system/istiod',
      'MESH004 workloads.yaml:104 Deployment shop/old-registry',
      'MESH005 namespaces.yaml:21 Namespace ghost',
      'MESH005 workloads.yaml:77 Deployment shop/ghost-pod',
      'MESH006 namespaces.yaml:13 Namespace both',
    ]);
  });

  it('finds nothing on the passing fixture: one sidecar each, one minor behind at most, known revisions and tags', async () => {
    expect(await findings('passing')).toEqual([]);
  });

  it('says what to do in every finding', async () => {
    const model = await buildMeshModel(join(fixtures, 'failing'));
    const all = checkMeshInvariants(model, { now });
    for (const f of all) expect(f.hint.length).toBeGreaterThan(10);
    const mesh004 = all.find((f) => f.code === 'MESH004' && f.origin.startsWith('HelmRelease'))!;
    expect(mesh004.hint).toContain('https://blob.istio.io/istio-release/charts');
  });
});
