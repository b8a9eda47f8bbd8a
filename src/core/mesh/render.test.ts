// The render's shortcuts answer exactly what the YAML parse answers: the build annotations read by
// pattern, and the wrapper kustomization written as JSON.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { originPathOf, readBuildOutput, transformationsOf } from './build-output.js';
import { wrapperKustomization } from './render.js';
import type { MeshRoot } from './types.js';

/** What the YAML parse reads from the annotation: the reference answer. */
function parsed(text: string): { configuredIn: string; by: string }[] {
  const list = parse(text) as { configuredIn?: unknown; configuredBy?: { kind?: unknown } }[] | null;
  return (list ?? []).flatMap((entry) =>
    typeof entry.configuredIn === 'string'
      ? [{ configuredIn: entry.configuredIn, by: String(entry.configuredBy?.kind ?? '') }]
      : [],
  );
}

const entry = (path: string, kind: string, extra = '') =>
  `- configuredIn: ${path}\n  configuredBy:\n    apiVersion: builtin\n    kind: ${kind}\n${extra}`;

describe('transformationsOf', () => {
  it.each([
    ['kustomize’s own form', entry('../../repo/overlays/a/kustomization.yaml', 'PatchTransformer')],
    [
      'several entries',
      entry('../a/kustomization.yaml', 'PatchTransformer') +
        entry('../b/kustomization.yaml', 'NamespaceTransformer'),
    ],
    ['a named plugin', entry('../a/kustomization.yaml', 'PatchTransformer', '    name: mine\n')],
    ['a namespaced plugin', entry('../a/k.yaml', 'X', '    name: mine\n    namespace: ns\n')],
    ['a quoted path', entry('"../a b/kustomization.yaml"', 'PatchTransformer')],
    ['an escaped path', entry('"../a\\tb/kustomization.yaml"', 'PatchTransformer')],
    ['a path with a comment', entry('../a/kustomization.yaml # note', 'PatchTransformer')],
    ['a path without a slash', entry('null', 'PatchTransformer')],
    ['a flow list', '[{configuredIn: ../a/k.yaml, configuredBy: {kind: PatchTransformer}}]\n'],
    ['nothing', ''],
  ])('reads %s as the parse does', (_name, text) => {
    expect(transformationsOf(text)).toEqual(parsed(text));
  });
});

describe('originPathOf', () => {
  it.each([
    'path: ../../repo/bases/app/deployment.yaml\n',
    'path: ../a/d.yaml\nrepo: https://github.com/acme/x\nref: v1.2.3\n',
    'path: "../a b/d.yaml"\n',
    'path: ../a/d.yaml # note\n',
    'configuredIn: ../a/kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n',
    'path: 1.5\n',
  ])('reads %j as the parse does', (text) => {
    const path = (parse(text) as { path?: unknown }).path;
    expect(originPathOf(text)).toBe(
      typeof path === 'string' || typeof path === 'number' ? String(path) : undefined,
    );
  });
});

describe('wrapperKustomization', () => {
  it('is YAML that says what the YAML form said', () => {
    const root = {
      id: 'r',
      path: 'clusters/a',
      flux: {
        targetNamespace: 'team-a',
        namePrefix: 'p-',
        patches: [{ patch: 'kind: Deployment\nmetadata: {name: x}\n', target: { kind: 'Deployment' } }],
        images: [{ name: 'app', newTag: '1.2.3' }],
        components: ['../components/x'],
      },
    } as unknown as MeshRoot;
    const text = wrapperKustomization(root, ['../../clusters/a', '../../extra']);
    expect(parse(text)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../clusters/a', '../../extra'],
      buildMetadata: ['originAnnotations', 'transformerAnnotations'],
      namespace: 'team-a',
      namePrefix: 'p-',
      patches: [{ patch: 'kind: Deployment\nmetadata: {name: x}\n', target: { kind: 'Deployment' } }],
      images: [{ name: 'app', newTag: '1.2.3' }],
      components: ['../../clusters/components/x'],
    });
  });
});

const ANNOTATIONS = `  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../../repo/overlays/a/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PatchTransformer
    config.kubernetes.io/origin: |
      path: ../../repo/bases/app/deployment.yaml
`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
${ANNOTATIONS}  name: app
  namespace: env-1
spec:
  template:
    spec:
      containers:
      - image: docker.io/istio/proxyv2:1.30.1
        name: istio-proxy
`;
const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
- apiGroups:
  - ""
  resources:
  - pods
  verbs: [get]
`;

/** Every object with its whole value read, in a form toEqual compares. */
function materialised(stdout: string, lazy: boolean) {
  const { objects, problems } = readBuildOutput(stdout, (p) => `ws:${p}`, { lazy });
  return { objects: objects.map((o) => ({ ...o, object: o.object })), problems };
}

describe('readBuildOutput', () => {
  it.each([
    ['kustomize’s layout', `${deployment}---\n${role}`],
    ['a top-level list in column 0', role],
    ['comments in column 0', `# head\n${deployment}# tail\n`],
    ['metadata after spec', `kind: Service\nspec:\n  ports: [80]\napiVersion: v1\nmetadata:\n  name: s\n`],
    [
      'an anchor in the head used below',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n cm\ndata:\n  x: *n\n`,
    ],
    ['a repeated top-level key', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nkind: Secret\n`],
    ['a quoted key', `"apiVersion": v1\nkind: ConfigMap\nmetadata:\n  name: a\n`],
    ['a top-level list', `- a\n- b\n`],
    ['a document end and a directive', `%YAML 1.2\n---\n${role}...\n`],
    ['no identity', `kind: ConfigMap\ndata: {}\n`],
    ['a broken document', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n---\n${role}`],
    ['empty output', ''],
  ])('reads %s as the whole parse does', (_name, stdout) => {
    expect(materialised(stdout, true)).toEqual(materialised(stdout, false));
    // Key order too: a model serialised from lazy objects is byte-identical to one from eager ones.
    expect(JSON.stringify(materialised(stdout, true))).toBe(JSON.stringify(materialised(stdout, false)));
  });

  it('leaves the objects of kustomize’s layout unparsed until they are read', () => {
    const { objects } = readBuildOutput(`${deployment}---\n${role}`, (p) => `ws:${p}`);
    expect(objects).toHaveLength(2);
    for (const object of objects)
      expect(typeof Object.getOwnPropertyDescriptor(object, 'object')?.get).toBe('function');
  });

  it('takes identity, origin and patches from the head, and strips the build annotations', () => {
    const [object] = readBuildOutput(deployment, (p) => `ws:${p}`).objects;
    expect(object).toMatchObject({
      kind: 'Deployment',
      name: 'app',
      namespace: 'env-1',
      source: { file: 'ws:../../repo/bases/app/deployment.yaml', line: 1 },
      patchedIn: ['ws:../../repo/overlays/a/kustomization.yaml'],
    });
    expect(object!.object.metadata).toEqual({ name: 'app', namespace: 'env-1' });
    // Written once read, as the post-build substitution does.
    object!.object = { replaced: true };
    expect(object!.object).toEqual({ replaced: true });
  });
});
