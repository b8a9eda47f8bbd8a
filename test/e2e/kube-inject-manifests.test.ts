// kube-inject-manifests end to end: the committed bundle run as a runner runs it, with the real istioctl
// given as a path, and once installed through the core from the GitHub emulator (version from the repo's pin).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { realIstioctlPair } from '../support/istioctl.js';
import {
  addReleaseAsset,
  buildIstioReleaseHistory,
  createReleaseState,
  downloadBaseUrl,
  registerReleaseRoutes,
} from '../support/github-emulator/releases.js';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { REPO_ROOT, runAction } from '../support/runner.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
const real = 'skip' in pair ? undefined : pair;
const FIXTURES = join(REPO_ROOT, 'test/conformance/__fixtures__/inject-pipeline');
const scratch: string[] = [];

interface PodTemplateOwner {
  spec: {
    template: {
      spec: {
        containers?: { name: string; image?: string }[];
        initContainers?: { name: string; image?: string }[];
      };
    };
  };
}

afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'e2e-kube-inject-'));
  scratch.push(root);
  cpSync(FIXTURES, join(root, 'apps'), { recursive: true });
  return root;
}

function failure(stdout: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
  return line.replace(/%0A/g, '\n').replace(/%25/g, '%');
}

describe.skipIf(skip)('kube-inject-manifests (real istioctl)', () => {
  it('injects the repo in place, reports outputs and summary, and a second run writes nothing', async () => {
    const root = workspace();
    const inputs = { paths: 'apps/**/*.yaml', istioctl: real!.new.binary };
    const run = await runAction('kube-inject-manifests', { cwd: root, inputs });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs['changed-files']!)).toEqual(['apps/mixed.yaml', 'apps/more.yaml']);
    expect(Number(run.outputs['workloads'])).toBe(13);
    expect(Number(run.outputs['injected'])).toBe(10);
    const skipped = JSON.parse(run.outputs['skipped']!) as { name: string; reason: string }[];
    expect(skipped.map((s) => `${s.name}:${s.reason}`)).toEqual([
      'opted-out:injection-disabled',
      'node-exporter:host-network',
      'coredns-extra:system-namespace',
    ]);
    expect(run.outputs['proxy-image']).toBe(`docker.io/istio/proxyv2:${real!.new.version}`);
    expect(run.summary).toContain('| namespace | sidecar |');
    expect(run.summary).toContain(`| shop | no sidecar → ${real!.new.version} | 6 | 0 |`);
    expect(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8')).toContain(
      '# trailing comment of the web document',
    );

    const again = await runAction('kube-inject-manifests', { cwd: root, inputs });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['changed-files']).toBe('[]');
    expect(Number(again.outputs['injected'])).toBe(10);
  });

  it('selection webhook leaves what the cluster would not inject, even under the paths', async () => {
    const root = workspace();
    const inputs = { paths: 'apps/**/*.yaml', istioctl: real!.new.binary, selection: 'webhook' };
    const run = await runAction('kube-inject-manifests', { cwd: root, inputs });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const skipped = JSON.parse(run.outputs['skipped']!) as { name: string; reason: string }[];
    expect(skipped.some((s) => s.reason === 'not-selected')).toBe(true);
    expect(Number(run.outputs['injected'])).toBeLessThan(10);
  });

  it('fails the step naming the document, and writes nothing, when istioctl fails', async () => {
    const root = workspace();
    writeFileSync(
      join(root, 'apps/broken.yaml'),
      // A pod template istioctl cannot decode (one that is not a mapping is not a workload, and left alone).
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  template:\n    metadata: 7\n    spec:\n      containers: [{name: a, image: nginx}]\n',
    );
    const before = readFileSync(join(root, 'apps/mixed.yaml'), 'utf8');
    const run = await runAction('kube-inject-manifests', {
      cwd: root,
      inputs: { paths: 'apps/**/*.yaml', istioctl: real!.new.binary },
    });
    expect(run.exitCode).toBe(1);
    expect(failure(run.stdout)).toContain('apps/broken.yaml:1 (Deployment bad)');
    expect(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8')).toBe(before);
  });

  it('keeps a native sidecar native (one proxy) when native-sidecars is not given, and refuses a bad value by its input', async () => {
    const root = mkdtempSync(join(tmpdir(), 'e2e-kube-inject-native-'));
    scratch.push(root);
    writeFileSync(
      join(root, 'web.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n',
    );
    const paths = 'web.yaml';
    const native = await runAction('kube-inject-manifests', {
      cwd: root,
      inputs: { paths, istioctl: real!.old.binary, 'native-sidecars': 'true' },
    });
    expect(native.exitCode, native.stdout + native.stderr).toBe(0);
    // Without the input (default keep), the upgrade keeps the workload's mode.
    const upgraded = await runAction('kube-inject-manifests', {
      cwd: root,
      inputs: { paths, istioctl: real!.new.binary },
    });
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(0);
    expect(JSON.parse(upgraded.outputs['changed-files']!)).toEqual(['web.yaml']);
    const pod = (parse(readFileSync(join(root, 'web.yaml'), 'utf8')) as PodTemplateOwner).spec.template.spec;
    const proxies = (list?: { name: string; image?: string }[]) =>
      (list ?? []).filter((c) => c.name === 'istio-proxy');
    expect(proxies(pod.containers)).toEqual([]);
    expect(proxies(pod.initContainers).map((c) => c.image)).toEqual([
      `docker.io/istio/proxyv2:${real!.new.version}`,
    ]);

    const bad = await runAction('kube-inject-manifests', {
      cwd: root,
      inputs: { paths, istioctl: real!.new.binary, 'native-sidecars': 'sometimes' },
    });
    expect(bad.exitCode).toBe(1);
    expect(failure(bad.stdout)).toContain(
      "input 'native-sidecars': 'sometimes' is not one of keep, auto, true, false",
    );
  });

  it('installs istioctl through the core at the version pinned in the repo when no binary is given', async () => {
    const emulator = await new GitHubEmulator().start();
    try {
      const state = createReleaseState({
        releases: buildIstioReleaseHistory({ lastPatch: { 30: 4, 31: 0 } }),
      });
      registerReleaseRoutes(emulator, state);
      addReleaseAsset(state, real!.old.version, real!.old.assetName, readFileSync(real!.old.asset));
      const root = workspace();
      mkdirSync(join(root, 'istio'));
      writeFileSync(join(root, '.istio-version'), `${real!.old.version}\n`);
      const run = await runAction('kube-inject-manifests', {
        cwd: root,
        inputs: {
          paths: 'apps/mixed.yaml',
          'github-api-url': emulator.url,
          'download-base-url': downloadBaseUrl(emulator, state),
        },
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.outputs['proxy-image']).toBe(`docker.io/istio/proxyv2:${real!.old.version}`);
      expect(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8')).toContain(`proxyv2:${real!.old.version}`);
      expect(emulator.schemaViolations).toEqual([]);
    } finally {
      await emulator.stop();
    }
  });
});
