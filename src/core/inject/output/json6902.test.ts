import { describe, expect, it } from 'vitest';
import { regeneratedPatch } from './json6902.js';

const PATCH = `# kept comment
- op: add
  path: /spec/template/spec/containers/1
  value:
    name: istio-proxy
    image: docker.io/istio/proxyv2:1.30.4
- op: replace
  path: /spec/replicas
  value: 2
`;

const deployment = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  kind: 'Deployment',
  spec: { template: { metadata: {}, spec: { containers, ...extra } } },
});

describe('regeneratedPatch', () => {
  const app = { name: 'app', image: 'app:1' };
  const proxy = { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.31.0', args: ['proxy', 'sidecar'] };
  const init = { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.31.0' };
  const volume = { name: 'istio-envoy', emptyDir: {} };

  it('replaces the sidecar op values in place, keeps other ops and comments, appends what is missing', () => {
    const rendered = deployment([app, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.4' }]);
    const injected = deployment([app, proxy], { initContainers: [init], volumes: [volume] });
    const text = regeneratedPatch(PATCH, 'Deployment', rendered, injected)!;
    expect(text.startsWith('# kept comment\n- op: add\n  path: /spec/template/spec/containers/1\n')).toBe(
      true,
    );
    expect(text).toContain('image: docker.io/istio/proxyv2:1.31.0');
    expect(text).toContain('- op: replace\n  path: /spec/replicas\n  value: 2\n');
    expect(text).toContain('path: /spec/template/spec/initContainers\n');
    expect(text).toContain('path: /spec/template/spec/volumes\n');
  });

  it('says nothing when the patch already carries what the injector gives', () => {
    const current = `- op: add\n  path: /spec/template/spec/containers/-\n  value:\n    name: istio-proxy\n    image: docker.io/istio/proxyv2:1.31.0\n    args: [proxy, sidecar]\n`;
    const rendered = deployment([app, proxy]);
    expect(regeneratedPatch(current, 'Deployment', rendered, deployment([app, proxy]))).toBeUndefined();
  });

  it('updates the pod metadata ops the patch has and appends the injector keys it lacks; names them when it has none', () => {
    const meta = (labels: Record<string, string>, annotations: Record<string, string>) => ({
      kind: 'Deployment',
      spec: { template: { metadata: { labels, annotations }, spec: { containers: [app, proxy] } } },
    });
    const withMeta = `- op: add\n  path: /spec/template/metadata/annotations/sidecar.istio.io~1status\n  value: old\n`;
    const rendered = meta({ app: 'a' }, { 'sidecar.istio.io/status': 'old' });
    const injected = meta(
      { app: 'a', 'security.istio.io/tlsMode': 'istio' },
      { 'sidecar.istio.io/status': 'new', 'prometheus.io/port': '15020' },
    );
    const text = regeneratedPatch(withMeta, 'Deployment', rendered, injected)!;
    expect(text).toContain(
      'path: /spec/template/metadata/annotations/sidecar.istio.io~1status\n  value: new\n',
    );
    expect(text).toContain(
      'path: /spec/template/metadata/annotations/prometheus.io~1port\n  value: "15020"\n',
    );
    expect(text).toContain(
      'path: /spec/template/metadata/labels/security.istio.io~1tlsMode\n  value: istio\n',
    );
    const leftOut: string[] = [];
    const plain = `- op: add\n  path: /spec/template/spec/containers/-\n  value:\n    name: istio-proxy\n    image: docker.io/istio/proxyv2:1.31.0\n    args: [proxy, sidecar]\n`;
    expect(regeneratedPatch(plain, 'Deployment', meta({ app: 'a' }, {}), injected, leftOut)).toBeUndefined();
    expect(leftOut.sort()).toEqual([
      'annotation prometheus.io/port',
      'annotation sidecar.istio.io/status',
      'label security.istio.io/tlsMode',
    ]);
  });

  it('treats an op that replaces the whole pod metadata like its key ops, adding a map it lacks', () => {
    const meta = (labels: Record<string, string>, annotations?: Record<string, string>) => ({
      kind: 'Deployment',
      spec: {
        template: {
          metadata: { labels, ...(annotations ? { annotations } : {}) },
          spec: { containers: [app, proxy] },
        },
      },
    });
    const whole = `- op: replace # the pod's metadata
  path: /spec/template/metadata
  value:
    labels:
      app: a
`;
    const rendered = meta({ app: 'a' });
    const injected = meta(
      { app: 'a', 'security.istio.io/tlsMode': 'istio' },
      { 'sidecar.istio.io/status': 'new' },
    );
    const leftOut: string[] = [];
    const text = regeneratedPatch(whole, 'Deployment', rendered, injected, leftOut)!;
    expect(text).toBe(
      `- op: replace # the pod's metadata
  path: /spec/template/metadata
  value:
    labels:
      app: a
      security.istio.io/tlsMode: istio
    annotations:
      sidecar.istio.io/status: new
`,
    );
    expect(leftOut).toEqual([]);
    expect(
      regeneratedPatch(
        text,
        'Deployment',
        meta({ app: 'a', 'security.istio.io/tlsMode': 'istio' }, { 'sidecar.istio.io/status': 'new' }),
        injected,
      ),
    ).toBeUndefined();
  });
});
