// End to end through the committed bundle (npm run build -- bump-istio-version) on a sample GitOps repo.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../../src/core/pins/__fixtures__/byte-diff.js';
import {
  buildIstioReleaseHistory,
  createReleaseState,
  registerReleaseRoutes,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { REPO_ROOT, runAction } from '../support/runner.js';
import type { RunActionOptions } from '../support/runner.js';

const SAMPLE = join(REPO_ROOT, 'test/fixtures/gitops-sample');

/** A fresh copy of the sample, plus a git-ignored build output that must never be touched. */
function sampleWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'gitops-sample-'));
  cpSync(SAMPLE, root, { recursive: true });
  writeFileSync(join(root, '.gitignore'), 'rendered/\n');
  mkdirSync(join(root, 'rendered'));
  writeFileSync(
    join(root, 'rendered/istio.yaml'),
    'kind: Deployment\nspec:\n  containers:\n    - image: docker.io/istio/pilot:1.24.2\n',
  );
  return root;
}

function snapshot(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

/** Every file differs from before only inside version numbers; returns the changes per file. */
function versionDiff(before: Map<string, Buffer>, after: Map<string, Buffer>): Record<string, string[]> {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const changed: Record<string, string[]> = {};
  for (const [path, content] of before) {
    const changes = versionOnlyChanges(content, after.get(path)!);
    if (changes.length > 0) changed[path] = changes.map((c) => `${c.line}: ${c.from} -> ${c.to}`);
  }
  return changed;
}

/** The ::warning:: and ::error:: messages a run printed, decoded. */
function messages(run: { commands: { command: string; message: string }[] }, command: string): string[] {
  return run.commands
    .filter((c) => c.command === command)
    .map((c) => c.message.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
}

describe('bump-istio-version (bundle)', () => {
  // Istio's releases as GitHub lists them: 1.0 to 1.31 with ten patches each, so 1.25.0 is real.
  let emulator: GitHubEmulator;
  beforeEach(async () => {
    emulator = await new GitHubEmulator().start();
    registerReleaseRoutes(emulator, createReleaseState({ releases: buildIstioReleaseHistory() }));
  });
  afterEach(async () => {
    expect(emulator.schemaViolations).toEqual([]);
    await emulator.stop();
  });
  const bump = (options: RunActionOptions & { cwd: string }) =>
    runAction('bump-istio-version', {
      ...options,
      inputs: { 'github-api-url': emulator.url, ...options.inputs },
    });

  it('bumps every control plane pin of a GitOps repo with zero collateral bytes', async () => {
    const root = sampleWorkspace();
    const before = snapshot(root);
    const run = await bump({ cwd: root, inputs: { version: '1.25.0' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(versionDiff(before, snapshot(root))).toEqual({
      '.github/workflows/e2e.yml': ['4: 1.24.2 -> 1.25.0'],
      '.istio-version': ['1: 1.24.2 -> 1.25.0'],
      'argocd/istiod.yaml': ['11: 1.24.2 -> 1.25.0'],
      'charts/mesh/Chart.yaml': ['6: 1.24.2 -> 1.25.0'],
      // One edit for the three HelmReleases: the ConfigMap they substitute from (CRLF and BOM kept).
      'clusters/prod/flux-system/istio-version.yaml': ['8: 1.24.2 -> 1.25.0'],
      'legacy/istio-operator.yaml': ['9: 1.24.2 -> 1.25.0'],
      'sail/istio.yaml': ['6: 1.24.2 -> 1.25.0'],
    });
    expect(readFileSync(join(root, 'sail/istio.yaml'), 'utf8')).toContain('  version: v1.25.0\n');
    expect(JSON.parse(run.outputs['changed-files']!)).toEqual([
      '.github/workflows/e2e.yml',
      '.istio-version',
      'argocd/istiod.yaml',
      'charts/mesh/Chart.yaml',
      'clusters/prod/flux-system/istio-version.yaml',
      'legacy/istio-operator.yaml',
      'sail/istio.yaml',
    ]);
    expect(JSON.parse(run.outputs['previous-versions']!)).toEqual(['1.24.2']);
    // The ratings proxy still runs 1.23.4: the repo as found disagrees.
    expect(run.outputs.inconsistent).toBe('true');
    const pins = JSON.parse(run.outputs.pins!) as {
      file: string;
      role: string;
      kind: string;
      target?: string;
      usedBy?: string[];
    }[];
    expect(pins.filter((p) => p.target === '1.25.0')).toHaveLength(7);
    const configMap = pins.find((p) => p.file === 'clusters/prod/flux-system/istio-version.yaml')!;
    expect(configMap.usedBy).toEqual([
      'infrastructure/istio/base.yaml:12',
      'infrastructure/istio/gateway.yaml:12',
      'infrastructure/istio/istiod.yaml:12',
    ]);
    expect(pins.filter((p) => p.role === 'data-plane').map((p) => p.file)).toEqual([
      'apps/bookinfo/base/ratings.yaml',
      'apps/bookinfo/base/reviews.yaml',
      'apps/bookinfo/overlays/prod/kustomization.yaml',
      'apps/bookinfo/overlays/prod/proxy-patch.yaml',
      'sail/istio.yaml',
    ]);
    expect(run.summary).toContain('| file | kind | where | role | before | after |');
    expect(run.summary).toContain(
      '| sail/istio.yaml:6 | sail-operator | Istio default spec.version | control-plane | v1.24.2 | **v1.25.0** |',
    );
    expect(
      run.commands.some(
        (c) => c.command === 'notice' && c.message.includes('charts/mesh/templates/gateway.yaml'),
      ),
    ).toBe(true);
  });

  it('bumps the data plane too with role all, and leaves the ignored build output alone', async () => {
    const root = sampleWorkspace();
    const before = snapshot(root);
    const run = await bump({
      cwd: root,
      inputs: { version: '1.25.0', role: 'all' },
    });
    expect(run.exitCode).toBe(0);
    const diff = versionDiff(before, snapshot(root));
    // The seven control plane files plus four workload files; sail/istio.yaml now changes on two lines.
    expect(Object.keys(diff)).toHaveLength(11);
    expect(diff['sail/istio.yaml']).toEqual(['6: 1.24.2 -> 1.25.0', '16: 1.24.2 -> 1.25.0']);
    expect(diff['apps/bookinfo/base/ratings.yaml']).toEqual(['10: 1.23.4 -> 1.25.0']);
    expect(diff['apps/bookinfo/base/reviews.yaml']).toEqual(['21: 1.24.2 -> 1.25.0']);
    expect(diff['rendered/istio.yaml']).toBeUndefined();
    expect(JSON.parse(run.outputs['previous-versions']!)).toEqual(['1.23.4', '1.24.2']);
  });

  it('writes nothing in a dry run but reports what would change', async () => {
    const root = sampleWorkspace();
    const before = snapshot(root);
    const run = await bump({
      cwd: root,
      inputs: { version: '1.25.0', 'dry-run': true },
    });
    expect(run.exitCode).toBe(0);
    expect(versionDiff(before, snapshot(root))).toEqual({});
    expect(JSON.parse(run.outputs['changed-files']!)).toHaveLength(7);
    expect(run.summary).toContain('dry run, nothing written');
  });

  it('fails on broken YAML with file:line and writes nothing', async () => {
    const root = sampleWorkspace();
    writeFileSync(join(root, 'legacy/broken.yaml'), 'kind: IstioOperator\nspec:\n  tag: [1.24.2\n  hub: x\n');
    const before = snapshot(root);
    const run = await bump({ cwd: root, inputs: { version: '1.25.0' } });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toMatch(
      /^legacy\/broken\.yaml:\d+: broken YAML/,
    );
    expect(versionDiff(before, snapshot(root))).toEqual({});
  });

  it('checks the version against GitHub: a real release passes, an unreleased one is refused', async () => {
    const root = sampleWorkspace();
    const before = snapshot(root);
    const released = await bump({ cwd: root, inputs: { version: '1.25.0', 'dry-run': true } });
    expect(released.exitCode, released.stdout).toBe(0);
    expect(emulator.requests.some((r) => r.path.startsWith('/repos/istio/istio/releases'))).toBe(true);
    expect(released.summary).not.toContain('not checked against a release list');

    const refused = await bump({ cwd: root, inputs: { version: '1.25.42' } });
    expect(refused.exitCode).toBe(1);
    const [error] = messages(refused, 'error');
    expect(error).toContain(
      "input 'version': 1.25.42 is not an Istio release (checked against GitHub's release list)",
    );
    expect(error).toMatch(/nearest releases are 1\.25\.9, 1\.25\.10, 1\.26\.0, 1\.26\.1/);
    expect(versionDiff(before, snapshot(root))).toEqual({});
  });

  it('lets an unreleased version through with allow-unreleased, and warns', async () => {
    const root = sampleWorkspace();
    const run = await bump({ cwd: root, inputs: { version: '1.25.42', 'allow-unreleased': true } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(messages(run, 'warning')).toContain(
      "1.25.42 is not in GitHub's release list; pinning it anyway because allow-unreleased is set",
    );
    expect(readFileSync(join(root, '.istio-version'), 'utf8')).toContain('1.25.42');
  });

  it('falls back to the bundled dataset with a warning when GitHub is unreachable', async () => {
    emulator.injectFault('/repos/istio/istio/releases', { kind: 'status', status: 502 }, { times: 20 });
    const root = sampleWorkspace();
    const known = await bump({ cwd: root, inputs: { version: '1.25.0', 'dry-run': true } });
    expect(known.exitCode, known.stdout).toBe(0);
    expect(messages(known, 'warning').join('\n')).toMatch(
      /Could not list Istio's releases on GitHub \(.*502.*\); checking the version against the bundled dataset as of \d{4}-\d{2}-\d{2}/,
    );
    // Newer than anything the dataset knows: refused, never silently accepted.
    const newer = await bump({ cwd: root, inputs: { version: '1.99.0' } });
    expect(newer.exitCode).toBe(1);
    const [error] = messages(newer, 'error');
    expect(error).toMatch(/1\.99\.0 is newer than every release in the bundled dataset/);
    expect(error).toMatch(/github-token[\s\S]*allow-unreleased/);
  });
});
