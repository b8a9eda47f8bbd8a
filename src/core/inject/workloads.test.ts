import { describe, expect, it } from 'vitest';
import { notAWorkload, parseManifest } from './workloads.js';

const judge = (body: string) => notAWorkload(body, () => parseManifest(body));

describe('notAWorkload', () => {
  it('leaves a kustomize strategic-merge patch (a Deployment without a pod template) alone, saying why', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n';
    expect(judge(patch)).toBe(
      'Deployment web has no pod template (spec.template): a kustomize strategic-merge patch or a partial manifest, not a workload',
    );
  });

  it('leaves a patch of the pod template that lists no containers alone', () => {
    const patch =
      'kind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata:\n      annotations: {a: b}\n';
    expect(judge(patch)).toMatch(/^Deployment shop\/web has no containers in its pod spec/);
  });

  it('leaves an invalid Deployment alone instead of making it a sidecar-only pod', () => {
    expect(
      judge('kind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: []\n'),
    ).toMatch(/no containers/);
    expect(judge('kind: Pod\nmetadata: {name: p}\nspec: {}\n')).toMatch(/^Pod p has no containers/);
    expect(judge('kind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "* * * * *"\n')).toMatch(
      /spec\.jobTemplate\.spec\.template/,
    );
  });

  it('names the List item that is not a workload', () => {
    const list =
      'kind: List\nitems:\n- kind: Pod\n  metadata: {name: ok}\n  spec: {containers: [{name: a}]}\n- kind: Deployment\n  metadata: {name: patch}\n  spec: {replicas: 1}\n';
    expect(judge(list)).toMatch(/^item 2 \(Deployment patch\) has no pod template/);
  });

  it('accepts real workloads without parsing them', () => {
    const deployment =
      'kind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n';
    expect(
      notAWorkload(deployment, () => {
        throw new Error('parsed');
      }),
    ).toBeUndefined();
    expect(judge('kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n')).toBeUndefined();
    expect(
      notAWorkload('kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n', () => {
        throw new Error('parsed');
      }),
    ).toBeUndefined();
    expect(judge('kind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n')).toMatch(/has no containers/);
  });

  it('accepts an injected workload without parsing it, though its status annotation says `"containers":null`', () => {
    const injected = [
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      `        sidecar.istio.io/status: '{"initContainers":["istio-init","istio-proxy"],"containers":null}'`,
      '    spec:',
      '      containers:',
      '      - name: web',
      '',
    ].join('\n');
    expect(
      notAWorkload(injected, () => {
        throw new Error('parsed');
      }),
    ).toBeUndefined();
    expect(
      judge(injected.replace('      containers:\n      - name: web\n', '      containers: []\n')),
    ).toMatch(/has no containers/);
  });

  it('bounds alias expansion when parsing a manifest', () => {
    const levels = ['a0: &a0 [x]'];
    for (let n = 1; n <= 8; n++)
      levels.push(
        `a${n}: &a${n} [${Array(9)
          .fill(`*a${n - 1}`)
          .join(', ')}]`,
      );
    expect(() => parseManifest(levels.join('\n'))).toThrow(/Excessive alias count/);
  });
});
