// An old revision still at 1.30.4 beside a new one at 1.31.0 (real istioctl of both): each revision's
// sidecars are rendered by its own control plane's istioctl, never bumped past it; a second run
// changes nothing.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { renderSidecars } from '../../src/core/inject/index.js';
import { realIstioctlPair } from '../support/istioctl.js';

vi.setConfig({ testTimeout: 300_000 });
const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`inject revision versions skipped: ${skip}`);
const OLD = 'skip' in pair ? undefined : pair.old;
const NEW = 'skip' in pair ? undefined : pair.new;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const release = (name: string, version: string, revision?: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  chart:\n    spec:\n      chart: istiod\n      version: ${version}\n      sourceRef: {kind: HelmRepository, name: istio}\n  values: ${JSON.stringify(revision ? { revision } : {})}\n`;
const namespace = (name: string, labels: Record<string, string>) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;
const deployment = (name: string, ns: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n      - name: ${name}\n        image: nginx:1.27\n`;

const proxyImage = (root: string, file: string) => {
  const doc = parse(readFileSync(join(root, file), 'utf8')) as {
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
  return doc.spec.template.spec.containers.find((c) => c.name === 'istio-proxy')?.image;
};

describe.skipIf(skip !== undefined)('a revision on another Istio version', () => {
  it("renders each revision's sidecars with its own control plane's istioctl", async () => {
    const root = mkdtempSync(join(tmpdir(), 'inject-revision-versions-'));
    scratch.push(root);
    const files: Record<string, string> = {
      'infra/istiod.yaml': [
        release('istiod-old', OLD!.version, 'old'),
        release('istiod-new', NEW!.version, 'new'),
      ].join('---\n'),
      'infra/namespaces.yaml': [
        namespace('legacy', { 'istio.io/rev': 'old' }),
        namespace('shop', { 'istio.io/rev': 'new' }),
      ].join('---\n'),
      'apps/legacy.yaml': deployment('a', 'legacy'),
      'apps/shop.yaml': deployment('b', 'shop'),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const installed: string[] = [];
    const installIstioctl = (version: string) => {
      installed.push(version);
      return Promise.resolve(version === OLD!.version ? OLD!.binary : NEW!.binary);
    };
    const options = {
      workspace: root,
      version: NEW!.version,
      revision: 'new',
      cacheDir: false as const,
      workers: 2,
    };
    const result = await renderSidecars(options, { installIstioctl });
    expect(result.changedFiles.sort()).toEqual(['apps/legacy.yaml', 'apps/shop.yaml']);
    expect(proxyImage(root, 'apps/legacy.yaml')).toBe(`docker.io/istio/proxyv2:${OLD!.version}`);
    expect(proxyImage(root, 'apps/shop.yaml')).toBe(`docker.io/istio/proxyv2:${NEW!.version}`);
    expect(installed.sort()).toEqual([OLD!.version, NEW!.version]);
    const again = await renderSidecars(options, { installIstioctl });
    expect(again.changedFiles).toEqual([]);
  });
});
