// Parity with the cluster's injector: for each place a repo declares istiod's values (Flux HelmRelease
// values + valuesFrom, Argo CD valuesObject/values/valueFiles/parameters, IstioOperator values +
// meshConfig, Sail spec.values, a helmfile's values file), the istio-proxy and istio-init that
// renderSidecars writes equal, field for field, what real `istioctl kube-inject` gives when the same
// values are passed to it explicitly.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { renderSidecars } from '../../src/core/inject/index.js';
import { istiodRelease, referenceInject } from '../support/inject-repo.js';
import { recordingLogger } from '../support/recording-logger.js';
import { realIstioctlPair } from '../support/istioctl.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`repo values parity skipped: ${skip}`);
const NEW = 'skip' in pair ? undefined : pair.new;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 8080
`;

/** What every layout merges to, written once: the explicit input of the reference kube-inject. */
function expected(cpu: string) {
  return {
    values: {
      global: { proxy: { resources: { requests: { cpu, memory: '64Mi' } } } },
    },
    meshConfig: {
      defaultConfig: { holdApplicationUntilProxyStarts: true, proxyMetadata: { LAYOUT: cpu } },
    },
  };
}

interface Layout {
  name: string;
  files: Record<string, string>;
  cpu: string;
  gitRemote?: string;
}

const LAYOUTS: Layout[] = [
  {
    name: 'Flux HelmRelease values + valuesFrom',
    cpu: '210m',
    files: {
      'infra/istiod.yaml': `${istiodRelease('istiod', {
        global: { proxy: { resources: { requests: { cpu: '210m' } } } },
        meshConfig: { defaultConfig: { holdApplicationUntilProxyStarts: true } },
      })}  valuesFrom:
    - kind: ConfigMap
      name: istiod-values
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: istiod-values
  namespace: istio-system
data:
  values.yaml: |
    global:
      proxy:
        resources:
          requests: {cpu: 100m, memory: 64Mi}
    meshConfig:
      defaultConfig:
        proxyMetadata: {LAYOUT: 210m}
`,
    },
  },
  {
    name: 'Argo CD valuesObject, values, valueFiles and parameters',
    cpu: '220m',
    gitRemote: 'https://github.com/example/platform.git',
    files: {
      'values/istiod.yaml': `global:
  proxy:
    resources:
      requests: {cpu: 100m, memory: 64Mi}
meshConfig:
  defaultConfig:
    holdApplicationUntilProxyStarts: true
`,
      'apps/istiod.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: istiod
  namespace: argocd
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: istio-system}
  sources:
    - repoURL: https://istio-release.storage.googleapis.com/charts
      chart: istiod
      targetRevision: 1.31.0
      helm:
        valueFiles:
          - $values/values/istiod.yaml
        # Argo CD uses valuesObject when both are set: this holdApplicationUntilProxyStarts never counts.
        values: |
          meshConfig:
            defaultConfig:
              holdApplicationUntilProxyStarts: false
        valuesObject:
          meshConfig:
            defaultConfig:
              proxyMetadata: {LAYOUT: 220m}
        parameters:
          - name: global.proxy.resources.requests.cpu
            value: 220m
    - repoURL: https://github.com/example/platform.git
      targetRevision: main
      ref: values
`,
    },
  },
  {
    name: 'IstioOperator values + meshConfig',
    cpu: '230m',
    files: {
      'infra/iop.yaml': `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
  tag: 1.31.0
  meshConfig:
    defaultConfig:
      holdApplicationUntilProxyStarts: true
      proxyMetadata: {LAYOUT: 230m}
  values:
    global:
      proxy:
        resources:
          requests: {cpu: 230m, memory: 64Mi}
`,
    },
  },
  {
    name: 'Sail spec.values',
    cpu: '240m',
    files: {
      'infra/istio.yaml': `apiVersion: sailoperator.io/v1
kind: Istio
metadata:
  name: default
spec:
  version: v1.31.0
  namespace: istio-system
  values:
    global:
      proxy:
        resources:
          requests: {cpu: 240m, memory: 64Mi}
    meshConfig:
      defaultConfig:
        holdApplicationUntilProxyStarts: true
        proxyMetadata: {LAYOUT: 240m}
`,
    },
  },
  {
    name: 'helmfile with a values file',
    cpu: '250m',
    files: {
      'helmfile.yaml': `repositories:
  - name: istio
    url: https://istio-release.storage.googleapis.com/charts
releases:
  - name: istiod
    namespace: istio-system
    chart: istio/istiod
    version: 1.31.0
    values:
      - values/istiod.yaml
`,
      'values/istiod.yaml': `global:
  proxy:
    resources:
      requests: {cpu: 250m, memory: 64Mi}
meshConfig:
  defaultConfig:
    holdApplicationUntilProxyStarts: true
    proxyMetadata: {LAYOUT: 250m}
`,
    },
  },
];

function repoOf(layout: Layout): string {
  const root = mkdtempSync(join(tmpdir(), 'inject-repo-values-'));
  scratch.push(root);
  for (const [path, text] of Object.entries({ ...layout.files, 'workloads/web.yaml': APP })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (layout.gitRemote) {
    execFileSync('git', ['init', '-q', root]);
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', layout.gitRemote]);
  }
  return root;
}

type Container = Record<string, unknown> & { name: string };
function proxyContainers(yaml: string): { proxy: Container; init: Container } {
  const doc = parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind?: string })
    .find((d) => d?.kind === 'Deployment') as {
    spec: { template: { spec: { containers: Container[]; initContainers: Container[] } } };
  };
  const spec = doc.spec.template.spec;
  const all = [...spec.containers, ...(spec.initContainers ?? [])];
  return {
    proxy: all.find((c) => c.name === 'istio-proxy')!,
    init: all.find((c) => c.name === 'istio-init')!,
  };
}

/** The reference: manifest generate and kube-inject with the values written out by hand. */
async function explicitInjection(binary: string, cpu: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'inject-explicit-'));
  scratch.push(dir);
  const { values, meshConfig } = expected(cpu);
  const operatorFile = join(dir, 'explicit.yaml');
  writeFileSync(
    operatorFile,
    stringify({
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: { meshConfig, values },
    }),
  );
  return referenceInject(binary, APP, dir, { operatorFile });
}

describe.skipIf(skip !== undefined)(
  'injection config from the repo control plane values (real istioctl)',
  () => {
    it.each(LAYOUTS)(
      '$name: istio-proxy and istio-init equal kube-inject with the values passed explicitly',
      async (layout) => {
        const root = repoOf(layout);
        const { logger, warnings } = recordingLogger();
        const result = await renderSidecars(
          {
            workspace: root,
            paths: ['workloads/*.yaml'],
            istioctl: NEW!.binary,
            cacheDir: false,
            workers: 1,
          },
          { logger },
        );
        expect(result.changedFiles).toEqual(['workloads/web.yaml']);
        expect(warnings).toEqual([]);
        const ours = proxyContainers(readFileSync(join(root, 'workloads/web.yaml'), 'utf8'));
        const reference = proxyContainers(await explicitInjection(NEW!.binary, layout.cpu));
        expect(ours.proxy).toEqual(reference.proxy);
        expect(ours.init).toEqual(reference.init);
        // The values really reached the proxy (not chart defaults on both sides).
        expect((ours.proxy.resources as { requests: { cpu: string } }).requests.cpu).toBe(layout.cpu);
        const env = ours.proxy.env as { name: string; value?: string }[];
        expect(env.find((e) => e.name === 'LAYOUT')?.value).toBe(layout.cpu);
        const proxyConfig = env.find((e) => e.name === 'PROXY_CONFIG')?.value ?? '';
        expect(proxyConfig).toContain('holdApplicationUntilProxyStarts');
      },
    );
  },
);
