// Conformance of offline kube-inject with the real istioctl at both pinned versions, fed by generateOfflineInjectConfig.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  generateOfflineInjectConfig,
  type OfflineInjectConfig,
} from '../../src/core/istioctl/offline-config.js';
import { kubeInject, type KubeInjectResult } from '../../src/core/istioctl/runner.js';
import { realIstioctlPair, type IstioctlArtifacts } from '../support/istioctl.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`kube-inject conformance skipped: ${skip}`);

const WORKLOADS = readFileSync(new URL('./__fixtures__/workloads.yaml', import.meta.url), 'utf8');
const INJECTED = [
  'Deployment/web',
  'StatefulSet/db',
  'DaemonSet/agent',
  'ReplicaSet/cache',
  'Job/migrate',
].concat(['CronJob/report', 'Pod/debug', 'List/Deployment/listed-api', 'List/Pod/listed-pod']);
const SKIPPED = ['Deployment/opted-out-label', 'Deployment/opted-out-annotation', 'DaemonSet/node-exporter'];

interface Container {
  name: string;
  image?: string;
  restartPolicy?: string;
}
interface PodTemplate {
  metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { containers?: Container[]; initContainers?: Container[] };
}
interface K8sObject {
  kind: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
  items?: K8sObject[];
}

/** Every pod template in the output, keyed `Kind/name` (`List/Kind/name` inside a List). */
function podTemplates(output: string): Map<string, PodTemplate> {
  const found = new Map<string, PodTemplate>();
  const visit = (object: K8sObject, prefix: string): void => {
    const key = `${prefix}${object.kind}/${object.metadata?.name ?? ''}`;
    const spec = object.spec as Record<string, unknown> | undefined;
    if (object.kind === 'List') for (const item of object.items ?? []) visit(item, 'List/');
    else if (object.kind === 'Pod') found.set(key, object as unknown as PodTemplate);
    else if (object.kind === 'CronJob')
      found.set(key, (spec?.['jobTemplate'] as { spec: { template: PodTemplate } }).spec.template);
    else if (spec?.['template']) found.set(key, spec['template'] as PodTemplate);
  };
  for (const document of parseAllDocuments(output)) {
    const object = document.toJS() as K8sObject | null;
    if (object) visit(object, '');
  }
  return found;
}

function proxies(template: PodTemplate): { containers: Container[]; initContainers: Container[] } {
  return {
    containers: (template.spec.containers ?? []).filter((c) => c.name === 'istio-proxy'),
    initContainers: (template.spec.initContainers ?? []).filter((c) => c.name === 'istio-proxy'),
  };
}

function sidecarStatus(template: PodTemplate): { revision?: string; containers?: string[] } {
  const raw = template.metadata?.annotations?.['sidecar.istio.io/status'];
  expect(raw, 'sidecar.istio.io/status annotation').toBeDefined();
  return JSON.parse(raw ?? '{}') as { revision?: string };
}

const work = mkdtempSync(join(tmpdir(), 'kube-inject-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function offlineConfig(
  binary: IstioctlArtifacts,
  name: string,
  revision?: string,
): Promise<OfflineInjectConfig> {
  return generateOfflineInjectConfig({ binary: binary.binary, outputDir: join(work, name), revision });
}

const binaries: IstioctlArtifacts[] = 'skip' in pair ? [] : [pair.old, pair.new];
/** Default-revision offline config per version, rendered once for the whole file. */
const defaultConfigs = new Map<string, OfflineInjectConfig>();

describe.skipIf(skip !== undefined)('kube-inject with real istioctl', () => {
  beforeAll(async () => {
    const configs = await Promise.all(
      binaries.map((binary) => offlineConfig(binary, `${binary.version}-default`)),
    );
    for (const config of configs) defaultConfigs.set(config.version, config);
  });

  describe.each(binaries.map((binary) => ({ version: binary.version, binary })))(
    'istioctl $version',
    ({ version, binary }) => {
      let config: OfflineInjectConfig;
      let plain: KubeInjectResult;
      let native: KubeInjectResult;
      let plainTemplates: Map<string, PodTemplate>;

      beforeAll(async () => {
        config = defaultConfigs.get(version)!;
        // One batch per layout: every kind, pass-through and skipped documents in a single call.
        [plain, native] = await Promise.all([
          kubeInject({ ...config, input: WORKLOADS, nativeSidecars: false }),
          kubeInject({ ...config, input: WORKLOADS, nativeSidecars: true }),
        ]);
        plainTemplates = podTemplates(plain.output);
      });

      it('injects one istio-proxy into every workload kind, inside Lists too', () => {
        for (const key of INJECTED) {
          const template = plainTemplates.get(key);
          expect(template, key).toBeDefined();
          expect(proxies(template!).containers, key).toHaveLength(1);
        }
      });

      it(`renders the proxy image docker.io/istio/proxyv2:${version}`, () => {
        expect(config.proxyImage).toBe(`docker.io/istio/proxyv2:${version}`);
        for (const key of INJECTED) {
          expect(proxies(plainTemplates.get(key)!).containers[0]?.image, key).toBe(
            `docker.io/istio/proxyv2:${version}`,
          );
        }
      });

      it('passes non-workload documents through byte for byte', () => {
        const service = WORKLOADS.slice(
          WORKLOADS.indexOf('apiVersion: v1\nkind: Service'),
          WORKLOADS.indexOf('---\napiVersion: v1\nkind: ConfigMap'),
        );
        expect(service).toContain('# the front door');
        expect(plain.output).toContain(service);
        expect(plain.output).toContain('  mode: "fast"\n');
      });

      it('skips opted-out and host-network workloads and says why on stderr', () => {
        for (const key of SKIPPED) {
          const template = plainTemplates.get(key);
          expect(template, key).toBeDefined();
          expect(proxies(template!).containers, key).toHaveLength(0);
        }
        expect(plain.skipped.map(({ kind, name, reason }) => ({ kind, name, reason }))).toEqual([
          { kind: 'Deployment', name: 'shop/opted-out-label', reason: 'injection-disabled' },
          { kind: 'Deployment', name: 'shop/opted-out-annotation', reason: 'injection-disabled' },
          { kind: 'DaemonSet', name: 'monitoring/node-exporter', reason: 'host-network' },
        ]);
      });

      it('puts istio-proxy in containers without native sidecars', () => {
        for (const key of INJECTED) {
          const found = proxies(plainTemplates.get(key)!);
          expect(found.initContainers, key).toHaveLength(0);
          expect(found.containers[0]?.restartPolicy, key).toBeUndefined();
        }
      });

      it('puts istio-proxy in initContainers with restartPolicy Always with native sidecars', () => {
        const templates = podTemplates(native.output);
        for (const key of INJECTED) {
          const found = proxies(templates.get(key)!);
          expect(found.containers, key).toHaveLength(0);
          expect(found.initContainers, key).toHaveLength(1);
          expect(found.initContainers[0]?.restartPolicy, key).toBe('Always');
          expect(found.initContainers[0]?.image, key).toBe(`docker.io/istio/proxyv2:${version}`);
        }
      });

      it('records the revision in sidecar.istio.io/status', async () => {
        expect(sidecarStatus(plainTemplates.get('Deployment/web')!).revision).toBe('default');
        const canary = await offlineConfig(binary, `${version}-canary`, 'canary');
        expect(canary.revision).toBe('canary');
        const injected = await kubeInject({ ...canary, input: WORKLOADS });
        const web = podTemplates(injected.output).get('Deployment/web')!;
        expect(sidecarStatus(web).revision).toBe('canary');
        expect(web.metadata?.annotations?.['istio.io/rev']).toBe('canary');
      });

      it('moves istio-proxy into initContainers when native sidecars are switched on for injected input', async () => {
        const switched = podTemplates(
          (await kubeInject({ ...config, input: plain.output, nativeSidecars: true })).output,
        );
        for (const key of INJECTED) {
          const found = proxies(switched.get(key)!);
          expect(found.containers, key).toHaveLength(0);
          expect(found.initContainers, key).toHaveLength(1);
        }
      });

      // istioctl quirk (1.30 and 1.31): the old native proxy survives in initContainers, so a layout switch
      // back needs the injected sidecar removed first. If this starts failing, istioctl fixed it.
      it('keeps the native istio-proxy and adds a second one when native sidecars are switched off', async () => {
        const switched = podTemplates(
          (await kubeInject({ ...config, input: native.output, nativeSidecars: false })).output,
        );
        for (const key of INJECTED) {
          const found = proxies(switched.get(key)!);
          expect(found.containers, key).toHaveLength(1);
          expect(found.initContainers, key).toHaveLength(1);
        }
      });

      it('changes nothing when run again on its own output', async () => {
        const again = await kubeInject({ ...config, input: plain.output });
        expect(again.output).toBe(plain.output);
        const nativeAgain = await kubeInject({ ...config, input: native.output, nativeSidecars: true });
        expect(nativeAgain.output).toBe(native.output);
      });
    },
  );

  it('upgrades proxies by re-injecting the old version output with the new version', async () => {
    const [old, fresh] = binaries as [IstioctlArtifacts, IstioctlArtifacts];
    const [oldConfig, newConfig] = [defaultConfigs.get(old.version)!, defaultConfigs.get(fresh.version)!];
    const injectedOld = await kubeInject({ ...oldConfig, input: WORKLOADS });
    expect(injectedOld.output).toContain(`proxyv2:${old.version}`);

    const upgraded = await kubeInject({ ...newConfig, input: injectedOld.output });
    expect(upgraded.output).not.toContain(`proxyv2:${old.version}`);
    const templates = podTemplates(upgraded.output);
    for (const key of INJECTED) {
      const template = templates.get(key)!;
      const found = proxies(template);
      expect(found.containers, key).toHaveLength(1);
      expect(found.containers[0]?.image, key).toBe(`docker.io/istio/proxyv2:${fresh.version}`);
      expect(
        (template.spec.initContainers ?? []).filter((c) => c.name === 'istio-init'),
        key,
      ).toHaveLength(1);
    }

    const rerun = await kubeInject({ ...newConfig, input: upgraded.output });
    expect(rerun.output).toBe(upgraded.output);
  });
});
