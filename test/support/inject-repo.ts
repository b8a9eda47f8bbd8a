// The shared setup of the injection conformance tests: the real istioctl (or why they skip), scratch
// repos written from a map of files and removed after the file's tests, and the manifests they hold.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { generateOfflineInjectConfig } from '../../src/core/istioctl/offline-config.js';
import { kubeInject } from '../../src/core/istioctl/runner.js';
import { realIstioctlPair, type IstioctlArtifacts } from './istioctl.js';

/** The newer pinned istioctl, or why the tests named `what` skip (logged once). */
export function newIstioctl(what: string): { skip?: string; istioctl?: IstioctlArtifacts } {
  const pair = realIstioctlPair();
  if ('skip' in pair) {
    console.log(`${what} skipped: ${pair.skip}`);
    return { skip: pair.skip };
  }
  return { istioctl: pair.new };
}

/** Writes `files` into a fresh temp repo per call; every repo is removed after the test file. */
export function scratchRepos(prefix: string, files: Record<string, string>): () => string {
  const scratch: string[] = [];
  afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    const root = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
}

export const namespace = (name: string, labels: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;

export function deployment(name: string, ns: string, podLabels: Record<string, string> = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: ${JSON.stringify({ app: name, ...podLabels })}
    spec:
      containers:
      - name: ${name}
        image: nginx:1.27
`;
}

/** A Flux HelmRelease of the istiod 1.31.0 chart with these values. */
export const istiodRelease = (
  name: string,
  values: Record<string, unknown>,
) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: istio-system
spec:
  chart:
    spec:
      chart: istiod
      version: 1.31.0
      sourceRef: {kind: HelmRepository, name: istio}
  values: ${JSON.stringify(values)}
`;

/**
 * The parity reference: what real `istioctl kube-inject` gives for `input` with the offline config it
 * generates itself (plus an IstioOperator file, when the values are passed explicitly).
 */
export async function referenceInject(
  binary: string,
  input: string,
  outputDir: string,
  more: { operatorFile?: string; nativeSidecars?: boolean } = {},
): Promise<string> {
  const config = await generateOfflineInjectConfig({
    binary,
    outputDir,
    ...(more.operatorFile ? { operatorFile: more.operatorFile } : {}),
  });
  const { output } = await kubeInject({
    binary,
    version: config.version,
    input,
    injectConfigFile: config.injectConfigFile,
    meshConfigFile: config.meshConfigFile,
    valuesFile: config.valuesFile,
    ...(more.nativeSidecars !== undefined ? { nativeSidecars: more.nativeSidecars } : {}),
  });
  return output;
}
