// Which workloads get a sidecar, as the webhook decides, against the real istioctl: labelled
// namespaces (istio-injection wins over istio.io/rev, a revision must exist), pod opt-ins, already
// injected workloads, configured paths; never system, control-plane or GitOps namespaces. Every
// workload left alone is reported with its reason.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRevisionSidecars, renderSidecars } from '../../src/core/inject/index.js';
import { deployment, istiodRelease, namespace, newIstioctl, scratchRepos } from '../support/inject-repo.js';

const { skip, istioctl: NEW } = newIstioctl('inject selection');

const RELEASE = (name: string, revision?: string) => istiodRelease(name, revision ? { revision } : {});

const FILES: Record<string, string> = {
  'infra/istiod.yaml': `${RELEASE('istiod')}---\n${RELEASE('istiod-canary', 'canary')}`,
  'infra/namespaces.yaml': [
    namespace('meshed', { 'istio-injection': 'enabled' }),
    namespace('opted-out', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }),
    namespace('canary', { 'istio.io/rev': 'canary' }),
    namespace('typo', { 'istio.io/rev': 'canray' }),
    namespace('plain'),
  ].join('---\n'),
  'apps/meshed.yaml': deployment('a', 'meshed'),
  'apps/opted-out.yaml': deployment('b', 'opted-out', { 'sidecar.istio.io/inject': 'true' }),
  'apps/canary.yaml': deployment('c', 'canary'),
  'apps/typo.yaml': deployment('d', 'typo'),
  'apps/plain-opt-in.yaml': deployment('e', 'plain', { 'sidecar.istio.io/inject': 'true' }),
  'apps/plain.yaml': deployment('f', 'plain'),
  'apps/plain-opt-out.yaml': deployment('g', 'meshed', { 'sidecar.istio.io/inject': 'false' }),
  'system/kube-system.yaml': deployment('h', 'kube-system', { 'sidecar.istio.io/inject': 'true' }),
  'system/flux.yaml': deployment('i', 'flux-system', { 'sidecar.istio.io/inject': 'true' }),
  'system/istio.yaml': deployment('j', 'istio-system', { 'sidecar.istio.io/inject': 'true' }),
  'apps/patch.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  namespace: meshed\nspec:\n  replicas: 2\n',
};

const repo = scratchRepos('inject-selection-', FILES);

describe.skipIf(skip !== undefined)('webhook-like selection (real istioctl)', () => {
  it('injects what the webhook would and reports every other workload with its reason', async () => {
    const root = repo();
    const notices: string[] = [];
    const logger = {
      info: () => {},
      debug: () => {},
      warning: () => {},
      notice: (m: string) => notices.push(m),
    };
    const result = await renderSidecars(
      { workspace: root, istioctl: NEW!.binary, cacheDir: false, workers: 1 },
      { logger },
    );
    expect(result.changedFiles).toEqual(['apps/canary.yaml', 'apps/meshed.yaml', 'apps/plain-opt-in.yaml']);
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.name, s.reason]));
    expect(reasons).toEqual({
      b: 'namespace-disabled',
      d: 'unknown-revision',
      f: 'not-selected',
      g: 'injection-disabled',
      h: 'system-namespace',
      i: 'gitops-controller',
      j: 'control-plane-namespace',
    });
    expect(result.summary).toContain("in the control plane's namespace");
    expect(notices.some((n) => n.startsWith('left apps/patch.yaml:1 alone'))).toBe(true);
    expect(readFileSync(join(root, 'apps/patch.yaml'), 'utf8')).toBe(FILES['apps/patch.yaml']);
    for (const path of [
      'system/kube-system.yaml',
      'system/flux.yaml',
      'system/istio.yaml',
      'apps/plain.yaml',
    ])
      expect(readFileSync(join(root, path), 'utf8')).toBe(FILES[path]);
  });

  it('configured paths inject every workload under them, still never the system, GitOps or control-plane namespaces', async () => {
    const root = repo();
    const result = await renderSidecars({
      workspace: root,
      istioctl: NEW!.binary,
      cacheDir: false,
      workers: 1,
      paths: ['apps/plain.yaml', 'system/*.yaml'],
    });
    expect(result.changedFiles).toEqual(['apps/plain.yaml']);
    expect(result.skipped.map((s) => s.reason).sort()).toEqual([
      'control-plane-namespace',
      'gitops-controller',
      'system-namespace',
    ]);
  });

  it("renderRevisionSidecars renders the given workloads with that revision's injector and values", async () => {
    const root = repo();
    const result = await renderRevisionSidecars({
      workspace: root,
      files: ['apps/canary.yaml'],
      revision: 'canary',
      version: NEW!.version,
      istioctl: NEW!.binary,
      cacheDir: false,
    });
    expect(result.changedFiles).toEqual(['apps/canary.yaml']);
    const text = readFileSync(join(root, 'apps/canary.yaml'), 'utf8');
    expect(text).toContain('istiod-canary.istio-system.svc:15012');
    expect(result.workloads.find((w) => w.name === 'c')?.to?.revision).toBe('canary');
  });

  it('leaves workloads Helm renders from a chart in the repo alone, with a notice naming the file', async () => {
    const root = repo();
    const chart = {
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/templates/templated.yaml': deployment('k', 'meshed').replace(
        'name: k\n',
        'name: {{ .Release.Name }}\n',
      ),
      'charts/app/templates/plain.yaml': deployment('l', 'meshed'),
    };
    for (const [path, text] of Object.entries(chart)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const notices: string[] = [];
    const logger = {
      info: () => {},
      debug: () => {},
      warning: () => {},
      notice: (m: string) => notices.push(m),
    };
    const result = await renderSidecars(
      { workspace: root, istioctl: NEW!.binary, cacheDir: false, workers: 1, dryRun: true },
      { logger },
    );
    expect(result.changedFiles).not.toContain('charts/app/templates/plain.yaml');
    for (const file of ['charts/app/templates/templated.yaml', 'charts/app/templates/plain.yaml'])
      expect(notices).toContain(
        `left ${file} alone: rendered by Helm from the chart at charts/app (charts/app/Chart.yaml); its sidecars come from the cluster's injector, configured through the control plane's values`,
      );
  });
});
