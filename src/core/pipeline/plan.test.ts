import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../config/repo-config.js';
import type { ReleaseSources } from '../releases/check-release.js';
import { loadIstioDataset } from '../releases/dataset.js';
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
    releases: versions.map((version) => ({ version, tag: version, prerelease: version.includes('-') })),
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
