import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMeshModel } from '../../mesh/model.js';
import { canaryIopWorkspace } from './__fixtures__/repos.js';
import { applyCanaryStep } from './apply.js';
import { planCanary } from './plan.js';
import { canaryLayoutOf } from './state.js';

const IOP = 'istio/control-plane.yaml';
const edit = (dir: string, from: string, to: string) => {
  const text = readFileSync(join(dir, IOP), 'utf8');
  if (!text.includes(from)) throw new Error(`fixture: no ${from}`);
  writeFileSync(join(dir, IOP), text.replace(from, to));
};

describe('an IstioOperator canary', () => {
  it('copies the IOP with spec.revision and its own tag, both tags moved, the variant kept', async () => {
    const dir = canaryIopWorkspace();
    edit(dir, '    pilot:\n', '    global:\n      tag: 1.30.4-distroless\n    pilot:\n');
    const before = readFileSync(join(dir, IOP), 'utf8');
    const plan = planCanary({ model: await buildMeshModel(dir), strategy: 'canary', target: '1.31.0' })!;
    expect([plan.phase, plan.revision, plan.sequence.map((s) => s.title)]).toEqual([
      'add',
      '1-31-0',
      [
        '(1/3) add canary 1-31-0 (istiod 1.31.0 beside 1.30.4)',
        '(2/3) move `prod-stable` to 1-31-0, sidecars re-rendered',
        '(3/3) remove control-plane (istiod 1.30.4)',
      ],
    ]);
    const written = applyCanaryStep(dir, plan);
    expect(written.files).toEqual(['istio/control-plane-1-31-0.yaml', 'istio/kustomization.yaml']);
    expect(written.notes.join('\n')).toContain('istioctl install -f istio/control-plane-1-31-0.yaml');
    expect(readFileSync(join(dir, IOP), 'utf8')).toBe(before);
    const canary = readFileSync(join(dir, 'istio/control-plane-1-31-0.yaml'), 'utf8');
    expect(canary).toContain('  name: control-plane-1-31-0\n');
    expect(canary).toContain('  tag: 1.31.0 # istiod and base\n');
    expect(canary).toContain('      tag: 1.31.0-distroless\n');
    expect(canary).toContain('  revision: 1-31-0\n');
    expect(canary).not.toContain('revisionTags');
    expect(canary).not.toMatch(/^\s*defaultRevision:/m);
    const model = await buildMeshModel(dir);
    const planes = model.clusters.flatMap((c) => c.controlPlanes);
    expect(planes.map((p) => [p.revision, p.version, p.tags])).toEqual([
      ['1-31-0', '1.31.0', []],
      ['default', '1.30.4', ['prod-stable']],
    ]);
  });

  it('the cleanup PR says how to uninstall the old revision with istioctl', async () => {
    const dir = canaryIopWorkspace();
    // Carried to the cleanup by hand: the canary owns the tag and the sidecars name it.
    applyCanaryStep(
      dir,
      planCanary({ model: await buildMeshModel(dir), strategy: 'canary', target: '1.31.0' })!,
    );
    applyCanaryStep(dir, planCanary({ model: await buildMeshModel(dir), strategy: 'canary' })!);
    for (const file of [
      'apps/bookinfo/productpage.yaml',
      'apps/bookinfo/ratings.yaml',
      'apps/bookinfo/reviews.yaml',
    ])
      writeFileSync(
        join(dir, file),
        readFileSync(join(dir, file), 'utf8')
          .replaceAll('"revision":"default"', '"revision":"1-31-0"')
          .replaceAll('istiod.istio-system.svc', 'istiod-1-31-0.istio-system.svc')
          .replaceAll('proxyv2:1.30.4', 'proxyv2:1.31.0'),
      );
    const plan = planCanary({ model: await buildMeshModel(dir), strategy: 'canary' })!;
    expect(plan.phase).toBe('cleanup');
    const written = applyCanaryStep(dir, plan);
    expect(written.files).toEqual([
      'istio/control-plane-1-31-0.yaml',
      'istio/control-plane.yaml',
      'istio/kustomization.yaml',
    ]);
    expect(written.notes.join('\n')).toContain('istioctl uninstall --revision default');
    expect(readFileSync(join(dir, 'istio/control-plane-1-31-0.yaml'), 'utf8')).toContain(
      '    defaultRevision: 1-31-0\n',
    );
  });

  it('is not taken when the same IOP installs a gateway: istioctl upgrades those in place', async () => {
    const dir = canaryIopWorkspace();
    edit(
      dir,
      '  meshConfig:\n',
      '  components:\n    ingressGateways:\n      - name: istio-ingressgateway\n        enabled: true\n  meshConfig:\n',
    );
    const model = await buildMeshModel(dir);
    const layout = canaryLayoutOf(model);
    expect(layout.supported).toBe(false);
    expect(!layout.supported && layout.reason).toContain(
      'IstioOperator istio-system/control-plane ingressGateways[istio-ingressgateway] comes from the IstioOperator that installs istiod',
    );
    expect(planCanary({ model, strategy: 'canary', target: '1.31.0' })).toBeUndefined();
  });
});
