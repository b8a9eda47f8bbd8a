// A revision-based (canary) hop through the committed root bundle: the example Flux repo with istiod
// claiming the `prod-stable` tag and `strategy: canary`, the GitHub emulator over a real bare repo,
// real istioctl 1.30.4 and 1.31.0. After each merge the rendered mesh is checked with the invariants.
//   run 1 adds the canary istiod 1-31-0 beside the old one; merged;
//   run 2 moves the tag and re-renders the sidecars with the 1-31-0 injector; merged;
//   run 3 removes the old istiod; merged;
//   run 4 has nothing to do.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gitAs, MESH_ADMIN } from '../support/git.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { filesUnder, proxies, usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT, type ActionRun } from '../support/runner.js';
import { buildMeshModel } from '../../src/core/mesh/model.js';
import { checkMeshInvariants, controlPlaneFor } from '../../src/core/mesh/invariants.js';
import {
  canaryArgoWorkspace,
  canaryIopWorkspace,
  canarySailWorkspace,
  makeCanaryFluxRepo,
} from '../../src/core/rollout/canary/__fixtures__/repos.js';

// Each run is a whole pipeline with real istioctl; a loaded 2-core runner needs more than the default.
vi.setConfig({ testTimeout: 300_000 });

const pair = realIstioctlPair();
const TOKEN = 'ghs_canaryToken0123456789abcdefABCDEF';
const EXAMPLE = join(REPO_ROOT, 'examples/gitops-flux');
const WORKLOADS = [
  'apps/bookinfo/productpage.yaml',
  'apps/bookinfo/ratings.yaml',
  'apps/bookinfo/reviews.yaml',
];

const git = gitAs(MESH_ADMIN);

const ISTIO = 'infrastructure/istio';

/** The example repo with the prod-stable tag and strategy canary, as files for the first commit. */
function canaryRepoFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'canary-example-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  makeCanaryFluxRepo(dir);
  const files = filesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

interface HopFixture {
  name: string;
  files: () => Record<string, string>;
  /** Where the istiod declarations live. */
  dir: string;
  /** Files each run's PR changes, workloads aside. */
  changes: [string[], string[], string[]];
  /** The old istiod's file, and the name the cleanup PR's title removes. */
  old?: { file: string; title: string };
}

/** The Argo CD variant of the same mesh, as files for the first commit. */
function argoRepoFiles(): Record<string, string> {
  const dir = canaryArgoWorkspace();
  const files = filesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

const FIXTURES: HopFixture[] = [
  {
    name: 'a Flux repo',
    files: canaryRepoFiles,
    dir: ISTIO,
    changes: [
      [`${ISTIO}/istio-base.yaml`, `${ISTIO}/istiod-1-31-0.yaml`, `${ISTIO}/kustomization.yaml`],
      [`${ISTIO}/gateway.yaml`, `${ISTIO}/istiod-1-31-0.yaml`, `${ISTIO}/istiod.yaml`],
      [
        `${ISTIO}/istio-version.yaml`,
        `${ISTIO}/istiod-1-31-0.yaml`,
        `${ISTIO}/istiod.yaml`,
        `${ISTIO}/kustomization.yaml`,
      ],
    ],
  },
  {
    name: 'an Argo CD repo',
    files: argoRepoFiles,
    dir: 'argocd',
    changes: [
      ['argocd/istio-base.yaml', 'argocd/istiod-1-31-0.yaml'],
      ['argocd/gateway.yaml', 'argocd/istiod-1-31-0.yaml', 'argocd/istiod.yaml'],
      ['argocd/gateway.yaml', 'argocd/istiod-1-31-0.yaml', 'argocd/istiod.yaml'],
    ],
  },
  {
    name: 'an IstioOperator repo',
    files: iopRepoFiles,
    dir: 'istio',
    changes: [
      ['istio/control-plane-1-31-0.yaml', 'istio/kustomization.yaml'],
      ['istio/control-plane-1-31-0.yaml', 'istio/control-plane.yaml'],
      ['istio/control-plane-1-31-0.yaml', 'istio/control-plane.yaml', 'istio/kustomization.yaml'],
    ],
    old: { file: 'control-plane.yaml', title: '(3/3) remove control-plane' },
  },
];

/** The mesh installed with istioctl from an IstioOperator file (`istio/control-plane.yaml`), as files. */
function iopRepoFiles(): Record<string, string> {
  const dir = canaryIopWorkspace();
  const files = filesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

/** One emulated repo and its runs: set up before the describe's tests, checked after them. */
function useHarness(files: () => Record<string, string>) {
  const real = 'skip' in pair ? undefined : pair;
  const h = usePipelineHarness({
    token: TOKEN,
    files,
    message: 'Mesh at Istio 1.30.4, tag prod-stable',
    assets: () => [real!.old, real!.new],
  });
  const { checkout, runPipeline } = h;
  const merge = (number: number): void => void h.merge(number);

  /** The rendered mesh of main, and its invariant errors (there must be none at any step). */
  async function meshOfMain() {
    const dir = checkout();
    const model = await buildMeshModel(dir);
    const cluster = model.clusters.find((c) => c.controlPlanes.length > 0)!;
    const errors = checkMeshInvariants(model).filter((f) => f.level === 'Error');
    return { dir, cluster, errors };
  }

  const branchFile = (branch: string, path: string) => git(h.repo.git.dir, 'show', `${branch}:${path}`);
  const changed = (branch: string) =>
    git(h.repo.git.dir, 'diff', '--name-only', `main...${branch}`).split('\n').filter(Boolean).sort();
  const pullOf = (result: ActionRun) =>
    h.repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;

  return { runPipeline, merge, meshOfMain, branchFile, changed, pullOf, repo: () => h.repo, git };
}

describe.skipIf('skip' in pair).each(FIXTURES)(
  'the pipeline: a canary hop in three PRs on $name with a revision tag',
  (fixture) => {
    const ISTIO = fixture.dir;
    const OLD = fixture.old ?? { file: 'istiod.yaml', title: '(3/3) remove istiod' };
    const {
      runPipeline,
      merge,
      meshOfMain,
      branchFile,
      changed,
      pullOf,
      repo: emulated,
    } = useHarness(fixture.files);
    it('run 1 adds the canary istiod 1-31-0 beside the untouched old one, with base at 1.31.0', async () => {
      const before = git(emulated().git.dir, 'show', `main:${ISTIO}/${OLD.file}`);
      const result = await runPipeline();
      expect(result.outputs).toMatchObject({
        step: 'control-plane',
        operation: 'created',
        'current-version': '1.30.4',
        'target-version': '1.31.0',
      });
      const pull = pullOf(result);
      expect(changed(pull.head)).toEqual(fixture.changes[0]);
      expect(branchFile(pull.head, `${ISTIO}/${OLD.file}`)).toBe(before);
      expect(pull.title).toContain('(1/3) add canary 1-31-0');
      expect(pull.body).toContain('step 1 of 3');
      expect(pull.body).toContain('**Next**');
      expect(pull.body).toContain('**Roll back:** revert this PR');
      merge(pull.number);

      const { cluster, errors } = await meshOfMain();
      expect(errors).toEqual([]);
      expect(cluster.controlPlanes.map((p) => [p.revision, p.version, p.tags])).toEqual([
        ['1-31-0', '1.31.0', []],
        ['default', '1.30.4', ['prod-stable']],
      ]);
    });

    it('run 2 moves prod-stable to 1-31-0 and re-renders the sidecars with its injector', async () => {
      const result = await runPipeline();
      expect(result.outputs).toMatchObject({
        step: 'data-plane',
        operation: 'created',
        'target-version': '1.31.0',
      });
      const pull = pullOf(result);
      expect(changed(pull.head)).toEqual([...fixture.changes[1], ...WORKLOADS].sort());
      expect(pull.title).toContain('(2/3) move `prod-stable` to 1-31-0');
      expect(pull.body).toContain('step 2 of 3');
      expect(pull.body).toContain('move back to revision default');
      for (const file of WORKLOADS) {
        const text = branchFile(pull.head, file);
        for (const images of proxies(text)) expect(images).toEqual(['docker.io/istio/proxyv2:1.31.0']);
        expect(text).toContain('"revision":"1-31-0"');
        expect(text).toContain('istiod-1-31-0.istio-system.svc:15012');
      }
      merge(pull.number);

      const { cluster, errors } = await meshOfMain();
      expect(errors).toEqual([]);
      expect(cluster.controlPlanes).toHaveLength(2);
      const next = cluster.controlPlanes.find((p) => p.revision === '1-31-0')!;
      expect(next.tags).toEqual(['prod-stable']);
      const proxied = cluster.workloads.filter((w) => w.sidecar.state !== 'none');
      expect(proxied.length).toBeGreaterThan(0);
      for (const w of proxied) {
        expect(controlPlaneFor(cluster, w.sidecar.revision!)).toBe(next);
        expect(w.sidecar.version).toBe('1.31.0');
      }
    });

    it('run 3 removes the old istiod once nothing references it', async () => {
      const result = await runPipeline();
      expect(result.outputs).toMatchObject({
        step: 'cleanup',
        operation: 'created',
        'target-version': '1.31.0',
      });
      const pull = pullOf(result);
      expect(changed(pull.head)).toEqual(fixture.changes[2]);
      expect(pull.title).toContain(OLD.title);
      expect(pull.body).toContain('step 3 of 3');
      expect(pull.body).toContain('removing the old revision');
      merge(pull.number);

      const { dir, cluster, errors } = await meshOfMain();
      expect(errors).toEqual([]);
      expect(existsSync(join(dir, ISTIO, OLD.file))).toBe(false);
      expect(cluster.controlPlanes.map((p) => [p.revision, p.version, p.tags])).toEqual([
        ['1-31-0', '1.31.0', ['prod-stable', 'default']],
      ]);
      const everything = JSON.stringify(cluster.objects.map((o) => o.object));
      expect(everything).not.toContain('"name":"istiod","namespace"');
      expect(everything).not.toContain('istiod.istio-system.svc');
    });

    it('run 4 has nothing to do', async () => {
      const before = emulated().pulls.length;
      const result = await runPipeline();
      expect(result.outputs).toMatchObject({ step: 'none', operation: 'none', 'current-version': '1.31.0' });
      expect(emulated().pulls.length).toBe(before);
    });
  },
);

/** The Sail variant (RevisionBased, IstioRevisionTag on the active IstioRevision), as files. */
function sailRepoFiles(): Record<string, string> {
  const dir = canarySailWorkspace('RevisionBased');
  const files = filesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

describe.skipIf('skip' in pair)('the pipeline: a Sail RevisionBased hop in two PRs', () => {
  const {
    runPipeline,
    merge,
    meshOfMain,
    branchFile,
    changed,
    pullOf,
    repo: emulated,
  } = useHarness(sailRepoFiles);

  it('run 1 bumps spec.version: Sail creates the revision beside the old one', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'control-plane',
      operation: 'created',
      'target-version': '1.31.0',
    });
    const pull = pullOf(result);
    expect(changed(pull.head)).toEqual(['sail/istio.yaml']);
    expect(branchFile(pull.head, 'sail/istio.yaml')).toContain('version: v1.31.0');
    expect(pull.body).toContain('step 1 of 2');
    merge(pull.number);
    const { cluster, errors } = await meshOfMain();
    expect(cluster.controlPlanes.map((p) => [p.revision, p.version])).toEqual([
      ['default-v1-31-0', '1.31.0'],
    ]);
    // The tag still names the old IstioRevision, which Sail keeps while it is used.
    expect(errors.filter((e) => e.code !== 'MESH005')).toEqual([]);
  });

  it('run 2 moves the IstioRevisionTag and re-renders the sidecars with the new revision', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'data-plane',
      operation: 'created',
      'target-version': '1.31.0',
    });
    const pull = pullOf(result);
    expect(changed(pull.head)).toEqual(['sail/istio.yaml', ...WORKLOADS].sort());
    expect(branchFile(pull.head, 'sail/istio.yaml')).toContain('name: default-v1-31-0');
    expect(pull.body).toContain('inactiveRevisionDeletionGracePeriodSeconds');
    for (const file of WORKLOADS) {
      const text = branchFile(pull.head, file);
      for (const images of proxies(text)) expect(images).toEqual(['docker.io/istio/proxyv2:1.31.0']);
      expect(text).toContain('"revision":"default-v1-31-0"');
    }
    merge(pull.number);
    const { cluster, errors } = await meshOfMain();
    expect(errors).toEqual([]);
    expect(cluster.controlPlanes[0]!.tags).toEqual(['default']);
  });

  it('run 3 has nothing to do: Sail prunes the old revision', async () => {
    const before = emulated().pulls.length;
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'none', operation: 'none', 'current-version': '1.31.0' });
    expect(emulated().pulls.length).toBe(before);
  });
});

/**
 * An ambient mesh right after its istiod hop: istiod at 1.31.0 (the shared version), istio-cni and
 * ztunnel HelmReleases still at 1.30.4, as files.
 */
function ambientRepoFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ambient-example-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const version = join(dir, ISTIO, 'istio-version.yaml');
  writeFileSync(version, readFileSync(version, 'utf8').replace('"1.30.4"', '"1.31.0"'));
  const agent = (name: string) =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ${name}\n      version: "1.30.4" # node agent\n      sourceRef:\n        kind: HelmRepository\n        name: istio\n`;
  writeFileSync(join(dir, ISTIO, 'cni.yaml'), agent('cni'));
  writeFileSync(join(dir, ISTIO, 'ztunnel.yaml'), agent('ztunnel'));
  const kustomization = join(dir, ISTIO, 'kustomization.yaml');
  writeFileSync(kustomization, `${readFileSync(kustomization, 'utf8')}  - cni.yaml\n  - ztunnel.yaml\n`);
  const files = filesUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

describe.skipIf('skip' in pair)('the pipeline: ambient node agents follow istiod, CNI then ztunnel', () => {
  const {
    runPipeline,
    merge,
    meshOfMain,
    branchFile,
    changed,
    pullOf,
    repo: emulated,
  } = useHarness(ambientRepoFiles);
  const agentVersions = async () => {
    const { cluster, errors } = await meshOfMain();
    expect(errors).toEqual([]);
    return Object.fromEntries(
      cluster.components.filter((c) => c.component !== 'gateway').map((c) => [c.component, c.version]),
    );
  };

  it("run 1 moves istio-cni to istiod's 1.31.0, alone", async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'cni', operation: 'created', 'target-version': '1.31.0' });
    const pull = pullOf(result);
    expect(changed(pull.head)).toEqual([`${ISTIO}/cni.yaml`]);
    expect(branchFile(pull.head, `${ISTIO}/cni.yaml`)).toContain('version: "1.31.0" # node agent');
    expect(pull.title).toContain('before ztunnel');
    expect(pull.body).toContain('https://istio.io/latest/docs/ambient/upgrade/helm/');
    merge(pull.number);
    expect(await agentVersions()).toEqual({ cni: '1.31.0', ztunnel: '1.30.4' });
  });

  it('run 2 moves ztunnel once the CNI is merged', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({
      step: 'ztunnel',
      operation: 'created',
      'target-version': '1.31.0',
    });
    const pull = pullOf(result);
    expect(changed(pull.head)).toEqual([`${ISTIO}/ztunnel.yaml`]);
    expect(pull.body).toContain('long-lived connections');
    merge(pull.number);
    expect(await agentVersions()).toEqual({ cni: '1.31.0', ztunnel: '1.31.0' });
  });

  it('run 3 re-renders the sidecars, run 4 has nothing to do', async () => {
    const result = await runPipeline();
    expect(result.outputs).toMatchObject({ step: 'data-plane', operation: 'created' });
    const pull = pullOf(result);
    expect(changed(pull.head)).toEqual(WORKLOADS);
    for (const file of WORKLOADS)
      for (const images of proxies(branchFile(pull.head, file)))
        expect(images).toEqual(['docker.io/istio/proxyv2:1.31.0']);
    merge(pull.number);
    const before = emulated().pulls.length;
    const last = await runPipeline();
    expect(last.outputs).toMatchObject({ step: 'none', operation: 'none', 'current-version': '1.31.0' });
    expect(emulated().pulls.length).toBe(before);
  });
});
