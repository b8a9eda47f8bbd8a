// How often a run parses the documents it injects with the `yaml` library (ADR 0013, amendment r5-a):
// read-only questions (pod labels and annotations, the sidecar mode, the two-proxy check, the mesh
// model's values) go through the fast reader, so a first run and an upgrade over plain manifests
// never build a `yaml` parse of a workload document, and the model builds no syntax tree it does not
// ask a line of. Real istioctl (old and new) and real kustomize.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderSidecars } from '../../src/core/inject/index.js';
import { manifestParses } from '../../src/core/inject/workloads.js';
import { syntaxTrees } from '../../src/core/mesh/documents.js';
import { readValuesTaken } from '../../src/core/mesh/yaml-values.js';
import { realIstioctlPair } from '../support/istioctl.js';

vi.setConfig({ testTimeout: 300_000 });

const pair = realIstioctlPair();
const KUSTOMIZE = join(process.env.GOPATH ?? join(process.env.HOME ?? '/root', 'go'), 'bin/kustomize');
const skip = 'skip' in pair ? pair.skip : existsSync(KUSTOMIZE) ? undefined : `no kustomize at ${KUSTOMIZE}`;
if (skip) console.log(`parse-once conformance skipped: ${skip}`);

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const workload = (kind: string, name: string) => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}, version: v1}
    spec:
      containers:
      - name: ${name}
        image: registry.example.com/${name}:1.2.0
        ports: [{containerPort: 8080}]
        resources: {limits: {cpu: 100m, memory: 64Mi}}
`;

function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'inject-parse-once-'));
  scratch.push(root);
  const files: Record<string, string> = {
    'shop/kustomization.yaml': 'resources: [namespace.yaml, apps.yaml]\n',
    'shop/namespace.yaml':
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {istio-injection: enabled}\n',
    'shop/apps.yaml': [workload('Deployment', 'web'), workload('StatefulSet', 'db')].join('---\n'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe.skipIf(skip)('parsing each injected document, real istioctl and kustomize', () => {
  it('a first run and an upgrade read every workload document without a yaml parse', async () => {
    if ('skip' in pair) return;
    vi.stubEnv('KUSTOMIZE', KUSTOMIZE);
    try {
      const root = makeRepo();
      const before = manifestParses.count;
      const trees = syntaxTrees.count;
      const old = await renderSidecars({
        workspace: root,
        istioctl: pair.old.binary,
        workers: 1,
        cacheDir: false,
      });
      expect(old.changedFiles).toEqual(['shop/apps.yaml']);
      expect(old.renderCheck).toMatchObject({ pods: 2, withOneProxy: 2 });
      expect(manifestParses.count - before).toBe(0);
      expect(syntaxTrees.count - trees).toBe(0);

      const injected = readFileSync(join(root, 'shop/apps.yaml'), 'utf8');
      expect(injected).toContain(`proxyv2:${pair.old.version}`);
      const upgrade = await renderSidecars({
        workspace: root,
        istioctl: pair.new.binary,
        workers: 1,
        cacheDir: false,
      });
      expect(upgrade.changedFiles).toEqual(['shop/apps.yaml']);
      expect(upgrade.renderCheck).toMatchObject({ pods: 2, withOneProxy: 2 });
      expect(readFileSync(join(root, 'shop/apps.yaml'), 'utf8')).toContain(`proxyv2:${pair.new.version}`);
      expect(manifestParses.count - before).toBe(0);
      expect(syntaxTrees.count - trees).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("the render check takes each written workload's values from the two-proxy check's read", async () => {
    if ('skip' in pair) return;
    const root = mkdtempSync(join(tmpdir(), 'inject-parse-once-plain-'));
    scratch.push(root);
    // A plain root: the model reads the files themselves (no kustomize), each document under a comment.
    writeFileSync(
      join(root, 'apps.yaml'),
      `# the shop\n${workload('Deployment', 'web')}---\n# its database\n${workload('StatefulSet', 'db')}`,
    );
    writeFileSync(
      join(root, 'namespace.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {istio-injection: enabled}\n',
    );
    for (const binary of [pair.old.binary, pair.new.binary]) {
      const taken = readValuesTaken.count;
      const run = await renderSidecars({ workspace: root, istioctl: binary, workers: 1, cacheDir: false });
      expect(run.changedFiles).toEqual(['apps.yaml']);
      expect(run.renderCheck).toMatchObject({ pods: 2, withOneProxy: 2 });
      expect(readValuesTaken.count - taken).toBe(2);
    }
    expect(readFileSync(join(root, 'apps.yaml'), 'utf8')).toMatch(/^# the shop\n[^]*\n# its database\n/);
  });
});
