import { describe, expect, it } from 'vitest';
import { quickIdentity, scanOutputDocument, splitInjectOutput } from './injected-output.js';

const injected = `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    name: not-this
  name: web
  namespace: shop
spec:
  template:
    metadata:
      annotations:
        sidecar.istio.io/status: '{"containers":["istio-proxy"],"revision":"canary"}'
    spec:
      containers:
      - image: nginx
        name: web
      - args:
        - proxy
        image: docker.io/istio/proxyv2:1.31.0
        name: istio-proxy
`;

describe('injected output', () => {
  it('splits the stream on --- lines', () => {
    expect(splitInjectOutput('a: 1\n---\nb: 2\n---\n')).toEqual(['a: 1\n', 'b: 2\n']);
  });

  it('reads identity, revision and the istio-proxy image from canonical YAML', () => {
    const facts = scanOutputDocument(injected);
    expect([facts.kind, facts.name, facts.namespace]).toEqual(['Deployment', 'web', 'shop']);
    expect(facts.sidecar).toEqual({ revision: 'canary', proxyImage: 'docker.io/istio/proxyv2:1.31.0' });
  });

  it('scans a source document quickly, and gives up on flow-style metadata', () => {
    expect(
      quickIdentity('# c\nkind: "Deployment" # x\nmetadata:\n    name: web\n    labels:\n      name: no\n'),
    ).toEqual({ kind: 'Deployment', name: 'web' });
    expect(quickIdentity('kind: Pod\nmetadata: {name: p}\n')).toBeUndefined();
    expect(quickIdentity('kind: Pod\nmetadata:\n  name: &a p\n')).toBeUndefined();
  });
});
