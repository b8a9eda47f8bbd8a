// Injection with the real istioctl and the real kustomize over a base and a strategic-merge patch: the
// patch (a Deployment without a pod template) is left alone with a reason, so the build keeps its selector.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderSidecars } from '../../src/core/inject/index.js';
import { realIstioctlPair } from '../support/istioctl.js';

const pair = realIstioctlPair();
const KUSTOMIZE = join(process.env.GOPATH ?? join(process.env.HOME ?? '/root', 'go'), 'bin/kustomize');
const skip = 'skip' in pair ? pair.skip : existsSync(KUSTOMIZE) ? undefined : `no kustomize at ${KUSTOMIZE}`;
if (skip) console.log(`non-workload conformance skipped: ${skip}`);

const BASE = `apiVersion: apps/v1
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
        image: nginx
`;
const PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
`;

describe.skipIf(skip)('injection over a kustomize base and its strategic-merge patch', () => {
  it('leaves the patch alone with a reason, and kustomize still builds a Deployment with its selector', async () => {
    const root = mkdtempSync(join(tmpdir(), 'non-workloads-'));
    mkdirSync(join(root, 'base'));
    mkdirSync(join(root, 'overlay'));
    writeFileSync(join(root, 'base/deployment.yaml'), BASE);
    writeFileSync(join(root, 'base/kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
    writeFileSync(join(root, 'overlay/replicas.yaml'), PATCH);
    writeFileSync(
      join(root, 'overlay/kustomization.yaml'),
      'resources:\n  - ../base\npatches:\n  - path: replicas.yaml\n',
    );
    const notices: string[] = [];
    const logger = {
      info: () => undefined,
      debug: () => undefined,
      warning: () => undefined,
      notice: (m: string) => notices.push(m),
    };
    const result = await renderSidecars(
      { workspace: root, istioctl: 'skip' in pair ? '' : pair.new.binary, workers: 1, selection: 'paths' },
      { logger },
    );
    expect(readFileSync(join(root, 'overlay/replicas.yaml'), 'utf8')).toBe(PATCH);
    expect(result.changedFiles).toEqual(['base/deployment.yaml']);
    expect(notices).toContain(
      'left overlay/replicas.yaml:1 alone: Deployment shop/web has no pod template (spec.template): a kustomize strategic-merge patch or a partial manifest, not a workload',
    );
    const built = execFileSync(KUSTOMIZE, ['build', join(root, 'overlay')], { encoding: 'utf8' });
    const deployment = parseAllDocuments(built)[0]!.toJS() as {
      spec: { replicas: number; selector: unknown; template: { spec: { containers: { name: string }[] } } };
    };
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'istio-proxy']);
  });
});
