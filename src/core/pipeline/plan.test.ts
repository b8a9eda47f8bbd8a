import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../config/repo-config.js';
import type { ReleaseSources } from '../releases/sources.js';
import { loadIstioDataset } from '../releases/dataset.js';
import { releaseOf } from '../releases/github-releases.js';
import { buildMeshModel } from '../mesh/model.js';
import { planUpgrade } from './plan.js';

const example = join(new URL('../../..', import.meta.url).pathname, 'examples/gitops-flux');

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  cpSync(example, dir, { recursive: true });
  return dir;
}

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

async function plan(dir: string, versions: string[], extraConfig = '') {
  const config = parseRepoConfig(
    readFileSync(join(dir, '.github/istio-autopilot.yaml'), 'utf8') + extraConfig,
  );
  const model = await buildMeshModel(dir);
  return planUpgrade({
    workspace: dir,
    model,
    config,
    sources: sources(versions),
    now: new Date('2026-11-26'),
  });
}

const setVersion = (dir: string, from: string, to: string) => {
  const file = join(dir, 'infrastructure/istio/istio-version.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(`"${from}"`, `"${to}"`));
};

describe('planUpgrade on the Flux example', () => {
  it('opens the control plane PR first, touching only the version ConfigMap', async () => {
    const result = await plan(workspace(), ['1.30.4', '1.31.0']);
    expect(result.step).toBe('control-plane');
    expect(result.controlPlane.current).toBe('1.30.4');
    expect(result.target).toBe('1.31.0');
    expect(result.files).toEqual(['infrastructure/istio/istio-version.yaml']);
    expect(result.dataPlane.versions).toEqual(['1.30.4']);
    expect(result.pullRequests.map((pr) => [pr.component, pr.target, pr.files.length, pr.now])).toEqual([
      ['control-plane', '1.31.0', 1, true],
      ['data-plane', '1.31.0', 3, false],
    ]);
  });

  it('re-injects the proxies once the control plane is at the target', async () => {
    const dir = workspace();
    setVersion(dir, '1.30.4', '1.31.0');
    const result = await plan(dir, ['1.30.4', '1.31.0']);
    expect(result.step).toBe('data-plane');
    expect(result.target).toBe('1.31.0');
    expect(result.files).toEqual([
      'apps/bookinfo/productpage.yaml',
      'apps/bookinfo/ratings.yaml',
      'apps/bookinfo/reviews.yaml',
    ]);
  });

  it('catches the proxies up before a hop that would put the control plane two minors ahead', async () => {
    const dir = workspace();
    setVersion(dir, '1.30.4', '1.31.0');
    const result = await plan(dir, ['1.30.4', '1.31.0', '1.32.0']);
    expect(result.step).toBe('data-plane');
    expect(result.target).toBe('1.31.0');
    expect(result.reason).toContain('one minor ahead');
  });

  it('still bumps a patch of the control plane while proxies lag one minor', async () => {
    const dir = workspace();
    setVersion(dir, '1.30.4', '1.31.0');
    const result = await plan(dir, ['1.30.4', '1.31.0', '1.31.1']);
    expect(result.step).toBe('control-plane');
    expect(result.target).toBe('1.31.1');
  });

  it('has nothing to do when everything is at the newest allowed release', async () => {
    const result = await plan(workspace(), ['1.29.8', '1.30.4']);
    expect(result.step).toBe('none');
    expect(result.files).toEqual([]);
  });

  it('takes the patch first, and stays on the minor with a patch-only policy', async () => {
    const latest = await plan(workspace(), ['1.30.4', '1.30.5', '1.31.0']);
    expect(latest.target).toBe('1.30.5');
    expect(latest.controlPlane.check.destination).toBe('1.31.0');
    const dir = workspace();
    const config = join(dir, '.github/istio-autopilot.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('policy: latest', 'policy: patch'));
    const patchOnly = await plan(dir, ['1.30.4', '1.30.5', '1.31.0']);
    expect(patchOnly.target).toBe('1.30.5');
    expect(patchOnly.controlPlane.check.destination).toBe('1.30.5');
  });

  it('says where it looked when no control plane pin exists', async () => {
    const dir = workspace();
    const config = join(dir, '.github/istio-autopilot.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('- infrastructure/istio/**/*.yaml', '- nowhere/**/*.yaml'),
    );
    await expect(plan(dir, ['1.31.0'])).rejects.toThrow(/no Istio control plane pin/);
  });
});

describe("planUpgrade and Istio's retired hosts", () => {
  const OLD = 'https://istio-release.storage.googleapis.com/charts';
  const onOldHosts = () => {
    const dir = workspace();
    const file = join(dir, 'infrastructure/istio/repository.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('https://blob.istio.io/istio-release/charts', OLD),
    );
    return dir;
  };

  it('proposes a "move Istio sources" PR for an up-to-date repo still on the old hosts', async () => {
    const result = await plan(onOldHosts(), ['1.29.8', '1.30.4']);
    expect(result.step).toBe('sources');
    expect(result.reason).toContain('retired hosts');
    expect(result.files).toEqual(['infrastructure/istio/repository.yaml']);
    expect(result.sources.moves.map((m) => m.replacement)).toEqual([
      'https://blob.istio.io/istio-release/charts',
    ]);
    expect(result.pullRequests).toEqual([
      { component: 'sources', target: '1.30.4', files: ['infrastructure/istio/repository.yaml'], now: true },
    ]);
    expect(result.notes.applies.map((a) => a.note.id)).toContain('1.31-artifact-hosts');
  });

  it('moves the sources inside the control plane PR of a hop to 1.31', async () => {
    const result = await plan(onOldHosts(), ['1.30.4', '1.31.0']);
    expect(result.step).toBe('control-plane');
    expect(result.files).toEqual([
      'infrastructure/istio/istio-version.yaml',
      'infrastructure/istio/repository.yaml',
    ]);
    expect(result.pullRequests.map((pr) => pr.component)).toEqual(['control-plane', 'data-plane']);
  });

  it('leaves a hop to 1.30.5 alone and queues the move as its own PR', async () => {
    const result = await plan(onOldHosts(), ['1.30.4', '1.30.5']);
    expect(result.step).toBe('control-plane');
    expect(result.files).toEqual(['infrastructure/istio/istio-version.yaml']);
    expect(result.pullRequests.map((pr) => [pr.component, pr.now])).toEqual([
      ['control-plane', true],
      ['data-plane', false],
      ['sources', false],
    ]);
  });

  it('plans nothing for a mirror', async () => {
    const dir = workspace();
    const file = join(dir, 'infrastructure/istio/repository.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'https://blob.istio.io/istio-release/charts',
        'https://nexus.example.com/repository/istio-release.storage.googleapis.com/charts',
      ),
    );
    const result = await plan(dir, ['1.29.8', '1.30.4']);
    expect(result.step).toBe('none');
    expect(result.sources.found).toEqual([]);
  });

  it('says when the target is still vulnerable and which release fixes it', async () => {
    const dir = workspace();
    setVersion(dir, '1.30.4', '1.29.8');
    const result = await plan(dir, ['1.29.8', '1.30.0']);
    expect(result.step).toBe('control-plane');
    expect(result.target).toBe('1.30.0');
    expect(result.targetAdvisories?.advisories.map((a) => a.id)).toContain('ISTIO-SECURITY-2026-006');
    expect(result.targetAdvisories?.fixedBy).toBe('1.30.4');
  });

  it('blocks a hop to a minor that does not support the cluster Kubernetes version', async () => {
    const dir = workspace();
    const config = parseRepoConfig(readFileSync(join(dir, '.github/istio-autopilot.yaml'), 'utf8'));
    const result = await planUpgrade({
      workspace: dir,
      model: await buildMeshModel(dir),
      config,
      sources: sources(['1.30.4', '1.31.0']),
      kubernetesVersion: '1.31.4',
      now: new Date('2026-11-26'),
    });
    const kubernetes = result.notes.applies.find((a) => a.note.id === '1.31-kubernetes');
    expect(kubernetes).toMatchObject({ action: 'block' });
    expect(kubernetes!.findings[0]!.what).toContain('Kubernetes 1.31 is outside');
  });
});
