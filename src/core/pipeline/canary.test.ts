import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../config/repo-config.js';
import { overrideRepoConfig } from '../config/overrides.js';
import { buildMeshModel } from '../mesh/model.js';
import { checkMeshInvariants } from '../mesh/invariants.js';
import { loadIstioDataset } from '../releases/dataset.js';
import { releaseOf } from '../releases/github-releases.js';
import type { ReleaseSources } from '../releases/sources.js';
import { planUpgrade } from './plan.js';
import { planReport, renderPlanText } from './plan-report.js';
import { applyCanaryStep } from '../rollout/canary/apply.js';
import {
  canaryArgoWorkspace,
  canaryFluxWorkspace,
  canarySailWorkspace,
} from '../rollout/canary/__fixtures__/repos.js';
import { sailStepChange, writeSailMove } from './canary.js';
import { bumpNodeAgents } from './ambient.js';
import { canaryFacts } from '../rollout/canary/index.js';
import { silentLogger } from '../logger.js';
import { InvalidInputError } from '../errors.js';

function sources(versions: string[]): ReleaseSources {
  const dataset = loadIstioDataset();
  return {
    releases: versions.map((version) => releaseOf(version)!),
    advisories: dataset.advisories,
    support: dataset.support,
    releasesFrom: 'github',
    advisoriesFrom: 'dataset',
    datasetAsOf: dataset.asOf,
    warnings: [],
  };
}

async function plan(dir: string, versions = ['1.30.4', '1.31.0']) {
  const config = parseRepoConfig(readFileSync(join(dir, '.github/istio-autopilot.yaml'), 'utf8'));
  const model = await buildMeshModel(dir);
  return {
    model,
    plan: planUpgrade({
      workspace: dir,
      model,
      config,
      sources: sources(versions),
      now: new Date('2026-11-26'),
    }),
  };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** Stands in for the sidecar re-render of step 2: the status annotation names the new revision. */
function fakeRerender(dir: string, revision: string, version: string) {
  for (const file of [
    'apps/bookinfo/productpage.yaml',
    'apps/bookinfo/ratings.yaml',
    'apps/bookinfo/reviews.yaml',
  ]) {
    const path = join(dir, file);
    writeFileSync(
      path,
      read(dir, file)
        .replaceAll('"revision":"default"', `"revision":"${revision}"`)
        .replaceAll('istiod.istio-system.svc', `istiod-${revision}.istio-system.svc`)
        .replaceAll('proxyv2:1.30.4', `proxyv2:${version}`),
    );
  }
}

describe('a canary hop on a Flux repo with a revision tag', () => {
  it('step 1 adds istiod-1-31-0 beside the untouched old istiod and moves only the base chart', async () => {
    const dir = canaryFluxWorkspace();
    const istiodBefore = read(dir, 'infrastructure/istio/istiod.yaml');
    const { plan: first } = await plan(dir);
    expect(first.step).toBe('control-plane');
    expect(first.canary?.phase).toBe('add');
    expect(first.target).toBe('1.31.0');
    expect(first.files).toEqual([
      'infrastructure/istio/istio-base.yaml',
      'infrastructure/istio/istiod-1-31-0.yaml',
      'infrastructure/istio/kustomization.yaml',
    ]);
    const report = planReport(first);
    expect(report.pullRequests.map((pr) => [pr.component, pr.revision, pr.now])).toEqual([
      ['control-plane', '1-31-0', true],
      ['data-plane', '1-31-0', false],
      ['cleanup', '1-31-0', false],
    ]);
    const text = renderPlanText(report);
    expect(text).toContain('(1/3) add canary 1-31-0');
    expect(text).toContain('(2/3) move `prod-stable` to 1-31-0');
    expect(text).toContain('(3/3) remove istiod (istiod 1.30.4)');

    applyCanaryStep(dir, first.canary!);
    expect(read(dir, 'infrastructure/istio/istiod.yaml')).toBe(istiodBefore);
    const canary = read(dir, 'infrastructure/istio/istiod-1-31-0.yaml');
    expect(canary).toContain('name: istiod-1-31-0');
    expect(canary).toContain('version: "1.31.0"');
    expect(canary).toContain('revision: 1-31-0');
    expect(canary).toContain('autoscaleMin: 2');
    expect(canary).toContain('accessLogFile: /dev/stdout');
    expect(canary).not.toContain('revisionTags:');
    expect(canary).not.toContain('defaultRevision:');
    expect(read(dir, 'infrastructure/istio/kustomization.yaml')).toContain(
      '  - istiod.yaml\n  - istiod-1-31-0.yaml\n',
    );
    expect(read(dir, 'infrastructure/istio/istio-base.yaml')).toContain('version: "1.31.0"');

    const { model, plan: second } = await plan(dir);
    const cluster = model.clusters.find((c) => c.controlPlanes.length)!;
    expect(cluster.controlPlanes.map((p) => [p.revision, p.version, p.tags])).toEqual([
      ['1-31-0', '1.31.0', []],
      ['default', '1.30.4', ['prod-stable']],
    ]);
    expect(checkMeshInvariants(model).filter((f) => f.level === 'Error')).toEqual([]);
    expect(second.step).toBe('data-plane');
    expect(second.canary?.references.map((r) => r.kind).sort()).toEqual([
      'depends-on',
      'gateway',
      'tag',
      'workload',
      'workload',
      'workload',
    ]);

    // Step 2 without the sidecars: tag, gateway and dependsOn move; the old istiod stays.
    applyCanaryStep(dir, second.canary!);
    expect(read(dir, 'infrastructure/istio/istiod.yaml')).toBe(
      istiodBefore.replace('    revisionTags:\n      - prod-stable\n', ''),
    );
    expect(read(dir, 'infrastructure/istio/istiod-1-31-0.yaml')).toMatch(/revisionTags:\n\s+- prod-stable\n/);
    const gateway = read(dir, 'infrastructure/istio/gateway.yaml');
    expect(gateway).toContain('    - name: istiod-1-31-0\n');
    expect(gateway).toContain('revision: 1-31-0');
    fakeRerender(dir, '1-31-0', '1.31.0');

    const { model: moved, plan: third } = await plan(dir);
    expect(checkMeshInvariants(moved).filter((f) => f.level === 'Error')).toEqual([]);
    expect(third.canary?.references).toEqual([]);
    expect(third.step).toBe('cleanup');
    expect(third.files).toEqual([
      'infrastructure/istio/istiod-1-31-0.yaml',
      'infrastructure/istio/istiod.yaml',
      'infrastructure/istio/kustomization.yaml',
    ]);

    applyCanaryStep(dir, third.canary!);
    expect(existsSync(join(dir, 'infrastructure/istio/istiod.yaml'))).toBe(false);
    expect(read(dir, 'infrastructure/istio/kustomization.yaml')).not.toContain('- istiod.yaml');
    expect(read(dir, 'infrastructure/istio/istiod-1-31-0.yaml')).toContain('defaultRevision: 1-31-0');
    const after = await buildMeshModel(dir);
    const planes = after.clusters.flatMap((c) => c.controlPlanes);
    expect(planes.map((p) => [p.revision, p.tags])).toEqual([['1-31-0', ['prod-stable', 'default']]]);
  });
});

describe('an address of the old istiod in a setting', () => {
  it('blocks the cleanup, naming the object, file and line, until it points at the new istiod', async () => {
    const dir = canaryFluxWorkspace();
    const gateway = 'infrastructure/istio/gateway.yaml';
    const setting = '  values:\n    env:\n      CA_ADDR: istiod.istio-system.svc:15012\n';
    writeFileSync(join(dir, gateway), `${read(dir, gateway)}${setting}`);
    const { plan: first } = await plan(dir);
    applyCanaryStep(dir, first.canary!);
    const { plan: second } = await plan(dir);
    expect(second.canary?.references.map((r) => r.kind)).toContain('ca-address');
    applyCanaryStep(dir, second.canary!);
    fakeRerender(dir, '1-31-0', '1.31.0');

    let error: unknown;
    try {
      await plan(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const failure = error as InvalidInputError;
    expect(failure.message).toContain('cannot remove istiod 1.30.4 (revision default) yet');
    expect(failure.message).toContain(
      'HelmRelease istio-ingressgateway names istiod.istio-system.svc, the address of the old istiod',
    );
    expect(failure.file).toBe(gateway);
    expect(failure.line).toBeGreaterThan(0);
    expect(failure.hint).toContain('istiod-1-31-0');
    expect(existsSync(join(dir, 'infrastructure/istio/istiod.yaml'))).toBe(true);

    writeFileSync(
      join(dir, gateway),
      read(dir, gateway).replace('istiod.istio-system.svc', 'istiod-1-31-0.istio-system.svc'),
    );
    const { plan: third } = await plan(dir);
    expect(third.step).toBe('cleanup');
    expect(third.canary?.references).toEqual([]);
  });
});

describe.each(['1-30-4', 'stable'])('an old istiod with the named revision %s', (rev) => {
  const WORKLOAD_FILES = [
    'apps/bookinfo/productpage.yaml',
    'apps/bookinfo/ratings.yaml',
    'apps/bookinfo/reviews.yaml',
  ];
  /** The sidecars as the injector of revision `from` left them, now as revision `to`'s would. */
  const resign = (dir: string, from: string, to: string, version: string) => {
    for (const file of WORKLOAD_FILES)
      writeFileSync(
        join(dir, file),
        read(dir, file)
          .replaceAll(`"revision":"${from}"`, `"revision":"${to}"`)
          .replaceAll(
            from === 'default' ? 'istiod.istio-system.svc' : `istiod-${from}.istio-system.svc`,
            `istiod-${to}.istio-system.svc`,
          )
          .replaceAll('proxyv2:1.30.4', `proxyv2:${version}`),
      );
  };

  it('leaves no setting naming istiod-<old>. after the cleanup: the canary copy, the sidecars and a gateway CA_ADDR', async () => {
    const dir = canaryFluxWorkspace();
    const istiod = 'infrastructure/istio/istiod.yaml';
    const gateway = 'infrastructure/istio/gateway.yaml';
    const oldAddress = `istiod-${rev}.istio-system.svc:15012`;
    writeFileSync(
      join(dir, istiod),
      read(dir, istiod)
        .replace('    revisionTags:\n', `    revision: ${rev}\n    revisionTags:\n`)
        .replace(
          '      accessLogFile: /dev/stdout\n',
          `      accessLogFile: /dev/stdout\n      defaultConfig:\n        caAddress: ${oldAddress}\n`,
        ),
    );
    writeFileSync(
      join(dir, gateway),
      `${read(dir, gateway)}  values:\n    revision: ${rev}\n    env:\n      CA_ADDR: ${oldAddress}\n`,
    );
    resign(dir, 'default', rev, '1.30.4');
    const { model } = await plan(dir);
    expect(model.clusters.flatMap((c) => c.controlPlanes).map((p) => [p.revision, p.tags])).toEqual([
      [rev, ['prod-stable']],
    ]);

    const { plan: first } = await plan(dir);
    expect(first.canary?.phase).toBe('add');
    applyCanaryStep(dir, first.canary!);
    const canary = read(dir, 'infrastructure/istio/istiod-1-31-0.yaml');
    expect(canary).toContain('caAddress: istiod-1-31-0.istio-system.svc:15012');
    expect(canary).not.toContain(`istiod-${rev}.`);

    const { plan: second } = await plan(dir);
    expect(second.canary?.phase).toBe('move');
    expect(second.canary?.references.map((r) => r.kind).sort()).toEqual(
      ['ca-address', 'depends-on', 'gateway', 'tag', 'workload', 'workload', 'workload'].sort(),
    );
    applyCanaryStep(dir, second.canary!);
    resign(dir, rev, '1-31-0', '1.31.0');

    // The gateway's own CA_ADDR still names the old revision's istiod: the cleanup waits for it.
    let error: unknown;
    try {
      await plan(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain(`(revision ${rev}) yet`);
    expect((error as InvalidInputError).message).toContain(
      `HelmRelease istio-ingressgateway names istiod-${rev}., the address of the old istiod`,
    );
    expect((error as InvalidInputError).file).toBe(gateway);

    writeFileSync(
      join(dir, gateway),
      read(dir, gateway).replace(oldAddress, 'istiod-1-31-0.istio-system.svc:15012'),
    );
    const { plan: third } = await plan(dir);
    expect(third.step).toBe('cleanup');
    applyCanaryStep(dir, third.canary!);
    const after = await buildMeshModel(dir);
    const cluster = after.clusters.find((c) => c.controlPlanes.length > 0)!;
    expect(cluster.controlPlanes.map((p) => [p.revision, p.tags])).toEqual([
      ['1-31-0', ['prod-stable', 'default']],
    ]);
    expect(JSON.stringify(cluster.objects.map((o) => o.object))).not.toContain(`istiod-${rev}.`);
    expect(checkMeshInvariants(after).filter((f) => f.level === 'Error')).toEqual([]);
  });
});

describe('strategy canary given as an input over a config with waves', () => {
  it('is refused, naming the input and the config line of the first wave', async () => {
    const dir = canaryFluxWorkspace();
    const file = join(dir, '.github/istio-autopilot.yaml');
    writeFileSync(
      file,
      `${read(dir, '.github/istio-autopilot.yaml').replace('strategy: canary', 'strategy: in-place')}waves:\n  - name: dev\n    paths: [clusters/dev/**]\n`,
    );
    const config = overrideRepoConfig(parseRepoConfig(readFileSync(file, 'utf8')), { strategy: 'canary' });
    const model = await buildMeshModel(dir);
    let error: unknown;
    try {
      planUpgrade({
        workspace: dir,
        model,
        config,
        sources: sources(['1.30.4', '1.31.0']),
        now: new Date('2026-11-26'),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).input).toBe('strategy');
    expect((error as InvalidInputError).message).toContain(
      "strategy 'canary' cannot be combined with the config's waves",
    );
    expect((error as InvalidInputError).line).toBeGreaterThan(0);
  });
});

describe('a canary hop on an Argo CD repo with a revision tag', () => {
  it('adds, moves and removes istiod Applications the same way', async () => {
    const dir = canaryArgoWorkspace();
    const istiodBefore = read(dir, 'argocd/istiod.yaml');
    const { plan: first } = await plan(dir);
    expect(first.canary?.phase).toBe('add');
    expect(first.files).toEqual(['argocd/istio-base.yaml', 'argocd/istiod-1-31-0.yaml']);
    applyCanaryStep(dir, first.canary!);
    expect(read(dir, 'argocd/istiod.yaml')).toBe(istiodBefore);
    expect(read(dir, 'argocd/istio-base.yaml')).toContain('targetRevision: 1.31.0');
    const canary = read(dir, 'argocd/istiod-1-31-0.yaml');
    expect(canary).toContain('name: istiod-1-31-0');
    expect(canary).toContain('targetRevision: 1.31.0');
    expect(canary).toContain('revision: 1-31-0');
    expect(canary).toContain('autoscaleMin: 2');
    expect(canary).not.toContain('revisionTags:');

    const { model, plan: second } = await plan(dir);
    expect(
      model.clusters.find((c) => c.name === 'prod')!.controlPlanes.map((p) => [p.revision, p.tags]),
    ).toEqual([
      ['1-31-0', []],
      ['default', ['prod-stable']],
    ]);
    expect(checkMeshInvariants(model).filter((f) => f.level === 'Error')).toEqual([]);
    expect(second.step).toBe('data-plane');
    applyCanaryStep(dir, second.canary!);
    expect(read(dir, 'argocd/istiod.yaml')).toBe(
      istiodBefore.replace('        revisionTags:\n          - prod-stable\n', ''),
    );
    expect(read(dir, 'argocd/istiod-1-31-0.yaml')).toMatch(/revisionTags:\n\s+- prod-stable\n/);
    expect(read(dir, 'argocd/gateway.yaml')).toContain(
      '    helm:\n      valuesObject:\n        revision: 1-31-0\n',
    );
    fakeRerender(dir, '1-31-0', '1.31.0');

    const { plan: third } = await plan(dir);
    expect(third.canary?.references).toEqual([]);
    expect(third.step).toBe('cleanup');
    applyCanaryStep(dir, third.canary!);
    expect(existsSync(join(dir, 'argocd/istiod.yaml'))).toBe(false);
    const after = await buildMeshModel(dir);
    expect(after.clusters.flatMap((c) => c.controlPlanes).map((p) => [p.revision, p.tags])).toEqual([
      ['1-31-0', ['prod-stable', 'default']],
    ]);
    expect(checkMeshInvariants(after).filter((f) => f.level === 'Error')).toEqual([]);
  });
});

describe('a canary hop on an Argo CD repo whose istiod values are a helm.values string', () => {
  it('edits the YAML inside the block byte for byte and keeps the block style', async () => {
    const dir = canaryArgoWorkspace();
    const istiod = 'argocd/istiod.yaml';
    // The gateway gets `values: |-` (strip chomping) with a comment of its own.
    writeFileSync(
      join(dir, istiod),
      read(dir, istiod).replace(
        '      valuesObject:\n        revisionTags:\n          - prod-stable\n        pilot:\n          autoscaleMin: 2\n',
        '      values: |\n        # the tag namespaces select\n        revisionTags:\n          - prod-stable\n        pilot:\n          autoscaleMin: 2 # two replicas\n',
      ),
    );
    const gateway = 'argocd/gateway.yaml';
    writeFileSync(
      join(dir, gateway),
      `${read(dir, gateway)}    helm:\n      values: |-\n        # gateway values\n        service:\n          type: ClusterIP\n`,
    );
    const istiodBefore = read(dir, istiod);
    const gatewayBefore = read(dir, gateway);

    const { plan: first } = await plan(dir);
    expect(first.canary?.phase).toBe('add');
    applyCanaryStep(dir, first.canary!);
    expect(read(dir, istiod)).toBe(istiodBefore);
    const canary = read(dir, 'argocd/istiod-1-31-0.yaml');
    expect(canary).toContain(
      '      values: |\n        pilot:\n          autoscaleMin: 2 # two replicas\n        revision: 1-31-0\n',
    );
    expect(canary).not.toContain('revisionTags');

    const { model, plan: second } = await plan(dir);
    expect(
      model.clusters.find((c) => c.name === 'prod')!.controlPlanes.map((p) => [p.revision, p.tags]),
    ).toEqual([
      ['1-31-0', []],
      ['default', ['prod-stable']],
    ]);
    expect(second.step).toBe('data-plane');
    applyCanaryStep(dir, second.canary!);
    expect(read(dir, istiod)).toBe(
      istiodBefore.replace('        revisionTags:\n          - prod-stable\n', ''),
    );
    expect(read(dir, 'argocd/istiod-1-31-0.yaml')).toContain(
      '        revision: 1-31-0\n        revisionTags:\n          - prod-stable\n',
    );
    expect(read(dir, gateway)).toBe(
      gatewayBefore.replace(
        '          type: ClusterIP\n',
        '          type: ClusterIP\n        revision: 1-31-0\n',
      ),
    );
    fakeRerender(dir, '1-31-0', '1.31.0');

    const { plan: third } = await plan(dir);
    expect(third.step).toBe('cleanup');
    applyCanaryStep(dir, third.canary!);
    expect(read(dir, 'argocd/istiod-1-31-0.yaml')).toContain(
      '          - prod-stable\n        defaultRevision: 1-31-0\n',
    );
    const after = await buildMeshModel(dir);
    expect(after.clusters.flatMap((c) => c.controlPlanes).map((p) => [p.revision, p.tags])).toEqual([
      ['1-31-0', ['prod-stable', 'default']],
    ]);
    expect(checkMeshInvariants(after).filter((f) => f.level === 'Error')).toEqual([]);
  });

  it('refuses a folded block, naming the file and line', async () => {
    const dir = canaryArgoWorkspace();
    const istiod = 'argocd/istiod.yaml';
    writeFileSync(
      join(dir, istiod),
      read(dir, istiod)
        .replace('      valuesObject:\n', '      values: >\n')
        .replace('          - prod-stable\n', '          - prod-stable\n\n'),
    );
    const { plan: first } = await plan(dir);
    applyCanaryStep(dir, first.canary!);
    let error: unknown;
    try {
      const { plan: second } = await plan(dir);
      applyCanaryStep(dir, second.canary!);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toContain('only a literal block');
    expect((error as { file?: string }).file).toBe(istiod);
  });
});

describe('Sail Operator revision upgrades', () => {
  it('RevisionBased: a two-minor bump of spec.version is the canary, then the tag moves', async () => {
    const dir = canarySailWorkspace('RevisionBased');
    const { plan: first } = await plan(dir, ['1.30.4', '1.31.0', '1.32.2']);
    expect(first.step).toBe('control-plane');
    expect(first.target).toBe('1.32.2');
    expect(first.sail?.step).toBe(1);
    expect(first.sail?.revision).toBe('default-v1-32-2');
    expect(first.files).toEqual(['sail/istio.yaml']);
    expect(planReport(first).pullRequests[0]).toMatchObject({ revision: 'default-v1-32-2' });

    // The bump merged: Sail runs default-v1-32-2 beside default-v1-30-4.
    writeFileSync(join(dir, 'sail/istio.yaml'), read(dir, 'sail/istio.yaml').replace('v1.30.4', 'v1.32.2'));
    const { plan: second } = await plan(dir, ['1.30.4', '1.31.0', '1.32.2']);
    expect(second.step).toBe('data-plane');
    expect(second.sail?.revision).toBe('default-v1-32-2');
    expect(second.sail?.move?.moves.map((m) => m.what)).toEqual([
      'IstioRevisionTag default points at default-v1-30-4',
    ]);
    const step = sailStepChange(second.sail!, writeSailMove(dir, second.sail!), '1.30.4', '1.32.2');
    expect(step.files).toEqual(['sail/istio.yaml']);
    expect(step.body).toContain('step 2 of 2');
    expect(step.body).toContain('inactiveRevisionDeletionGracePeriodSeconds');
    expect(read(dir, 'sail/istio.yaml')).toContain('    kind: IstioRevision\n    name: default-v1-32-2\n');
    fakeRerender(dir, 'default', '1.32.2');
    const after = await buildMeshModel(dir);
    const plane = after.clusters.flatMap((c) => c.controlPlanes)[0]!;
    expect([plane.revision, plane.tags]).toEqual(['default-v1-32-2', ['default']]);
    expect(checkMeshInvariants(after).filter((f) => f.level === 'Error')).toEqual([]);
  });

  it('InPlace: one minor per hop even with strategy canary', async () => {
    const dir = canarySailWorkspace('InPlace');
    const { plan: result } = await plan(dir, ['1.30.4', '1.31.0', '1.32.2']);
    expect(result.step).toBe('control-plane');
    expect(result.target).toBe('1.31.0');
    expect(result.sail).toBeUndefined();
  });
});

describe('ambient: istiod first, then CNI and ztunnel', () => {
  it('the control-plane PR leaves CNI and ztunnel alone; then istio-cni, then ztunnel, each in its own PR, then the sidecars', async () => {
    const dir = canaryFluxWorkspace();
    const agent = (name: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  chart:\n    spec:\n      chart: ${name}\n      version: "1.30.4"\n      sourceRef:\n        kind: HelmRepository\n        name: istio\n`;
    writeFileSync(join(dir, 'infrastructure/istio/cni.yaml'), agent('cni'));
    writeFileSync(join(dir, 'infrastructure/istio/ztunnel.yaml'), agent('ztunnel'));
    writeFileSync(
      join(dir, 'infrastructure/istio/kustomization.yaml'),
      read(dir, 'infrastructure/istio/kustomization.yaml') + '  - cni.yaml\n  - ztunnel.yaml\n',
    );
    const { plan: first } = await plan(dir, ['1.30.4', '1.31.0', '1.32.0']);
    // Ambient: in place, one minor, even with strategy canary.
    expect(first.canary).toBeUndefined();
    expect(first.step).toBe('control-plane');
    expect(first.target).toBe('1.31.0');
    expect(first.files).not.toContain('infrastructure/istio/cni.yaml');
    expect(first.files).not.toContain('infrastructure/istio/ztunnel.yaml');
    // CNI and ztunnel charts are data-plane pins (src/core/pins/istio-charts.ts): never in the control-plane PR.
    expect(first.pullRequests[0]?.component).toBe('control-plane');
    expect(first.pullRequests[0]?.files.filter((f) => /cni|ztunnel/.test(f))).toEqual([]);
    // The control-plane PR merged: istiod is at 1.31.0, so now the node agents may follow it.
    const version = join(dir, 'infrastructure/istio/istio-version.yaml');
    writeFileSync(version, readFileSync(version, 'utf8').replace('"1.30.4"', '"1.31.0"'));
    // The node agents follow in Istio's order, each in its own PR: istio-cni first.
    const { plan: second } = await plan(dir, ['1.30.4', '1.31.0', '1.32.0']);
    expect(second.step).toBe('cni');
    expect(second.target).toBe('1.31.0');
    expect(second.files).toEqual(['infrastructure/istio/cni.yaml']);
    expect(second.reason).toContain(canaryFacts.AMBIENT_ORDER.source);
    expect(second.pullRequests.map((pr) => [pr.component, pr.now])).toEqual([
      ['cni', true],
      ['ztunnel', false],
      ['data-plane', false],
    ]);
    const cni = bumpNodeAgents(dir, second, { version: '1.31.0' }, silentLogger);
    expect(cni.files).toEqual(['infrastructure/istio/cni.yaml']);
    expect(read(dir, 'infrastructure/istio/cni.yaml')).toContain('version: "1.31.0"');
    expect(read(dir, 'infrastructure/istio/ztunnel.yaml')).toContain('version: "1.30.4"');
    expect(cni.body).toContain('**Next**');
    expect(cni.title).toContain('before ztunnel');
    // CNI merged: ztunnel next.
    const { plan: third } = await plan(dir, ['1.30.4', '1.31.0', '1.32.0']);
    expect(third.step).toBe('ztunnel');
    expect(third.files).toEqual(['infrastructure/istio/ztunnel.yaml']);
    bumpNodeAgents(dir, third, { version: '1.31.0' }, silentLogger);
    expect(read(dir, 'infrastructure/istio/ztunnel.yaml')).toContain('version: "1.31.0"');
    // Both agents at istiod's version: the sidecars follow.
    const { plan: fourth } = await plan(dir, ['1.30.4', '1.31.0', '1.32.0']);
    expect(fourth.step).toBe('data-plane');
    expect(fourth.target).toBe('1.31.0');
  });

  it('no control-plane hop while a node agent runs behind istiod', async () => {
    const dir = canaryFluxWorkspace();
    const agent = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ztunnel\n  namespace: istio-system\nspec:\n  chart:\n    spec:\n      chart: ztunnel\n      version: "1.29.6"\n      sourceRef:\n        kind: HelmRepository\n        name: istio\n`;
    writeFileSync(join(dir, 'infrastructure/istio/ztunnel.yaml'), agent);
    writeFileSync(
      join(dir, 'infrastructure/istio/kustomization.yaml'),
      read(dir, 'infrastructure/istio/kustomization.yaml') + '  - ztunnel.yaml\n',
    );
    const { plan: result } = await plan(dir, ['1.29.6', '1.30.4', '1.31.0']);
    expect(result.step).toBe('ztunnel');
    expect(result.target).toBe('1.30.4');
    expect(result.files).toEqual(['infrastructure/istio/ztunnel.yaml']);
  });
});

describe('the in-place safety net', () => {
  it('never moves one istiod two minors in place, even with strategy canary', async () => {
    const dir = canaryFluxWorkspace();
    const file = join(dir, 'infrastructure/istio/istio-version.yaml');
    writeFileSync(
      file,
      read(dir, 'infrastructure/istio/istio-version.yaml').replace('"1.30.4"', '"1.28.10"'),
    );
    // Ambient (a ztunnel): not a layout upgraded by revision, so the hop is in place, one minor.
    writeFileSync(
      join(dir, 'infrastructure/istio/ztunnel.yaml'),
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ztunnel\n  namespace: istio-system\nspec:\n  chart:\n    spec:\n      chart: ztunnel\n      version: "${istio_version}"\n      sourceRef:\n        kind: HelmRepository\n        name: istio\n',
    );
    writeFileSync(
      join(dir, 'infrastructure/istio/kustomization.yaml'),
      read(dir, 'infrastructure/istio/kustomization.yaml') + '  - ztunnel.yaml\n',
    );
    const { plan: result } = await plan(dir, ['1.28.10', '1.29.6', '1.30.5']);
    expect(result.canary).toBeUndefined();
    expect(result.step).toBe('control-plane');
    expect(result.target).toBe('1.29.6');
    expect(result.reason).toContain('in place');
  });

  it('with canary on a supported layout, the two-minor hop is a revision upgrade', async () => {
    const dir = canaryFluxWorkspace();
    const file = join(dir, 'infrastructure/istio/istio-version.yaml');
    writeFileSync(
      file,
      read(dir, 'infrastructure/istio/istio-version.yaml').replace('"1.30.4"', '"1.28.10"'),
    );
    const { plan: result } = await plan(dir, ['1.28.10', '1.29.6', '1.30.5']);
    expect(result.target).toBe('1.30.5');
    expect(result.canary?.phase).toBe('add');
    expect(result.canary?.revision).toBe('1-30-5');
    // The old istiod's file is not among the files the PR touches.
    expect(result.files).not.toContain('infrastructure/istio/istiod.yaml');
    expect(result.files).not.toContain('infrastructure/istio/istio-version.yaml');
  });
});

describe('the skew guard per revision', () => {
  it('stops a two-minor move that would leave a sidecar in git outside the re-rendered paths', async () => {
    const dir = canaryFluxWorkspace();
    const version = join(dir, 'infrastructure/istio/istio-version.yaml');
    writeFileSync(
      version,
      read(dir, 'infrastructure/istio/istio-version.yaml').replace('"1.30.4"', '"1.29.6"'),
    );
    const versions = ['1.29.6', '1.31.0'];
    const { plan: first } = await plan(dir, versions);
    expect(first.canary?.phase).toBe('add');
    applyCanaryStep(dir, first.canary!);
    const config = join(dir, '.github/istio-autopilot.yaml');
    writeFileSync(
      config,
      read(dir, '.github/istio-autopilot.yaml').replace(
        '    - apps/**/*.yaml',
        '    - apps/bookinfo/productpage.yaml\n    - apps/bookinfo/reviews.yaml',
      ),
    );
    await expect(plan(dir, versions)).rejects.toThrow(
      /apps\/bookinfo\/ratings\.yaml is outside the data-plane paths/,
    );
  });
});
