// The render's shortcuts answer exactly what the YAML parse answers: the build annotations read by
// pattern, and the wrapper kustomization written as JSON.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { originPathOf, transformationsOf, wrapperKustomization } from './render.js';
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
