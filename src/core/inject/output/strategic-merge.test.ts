import { describe, expect, it } from 'vitest';
import { regeneratedStrategicMerge } from './strategic-merge.js';

const patch = [
  '# sidecar',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web}',
  'spec:',
  '  template:',
  '    metadata:',
  '      annotations:',
  "        sidecar.istio.io/status: 'old' # kept",
  '    spec:',
  '      containers:',
  '        - name: "istio-proxy"',
  '          image: proxyv2:1.0 # the proxy',
  '          args: [proxy, sidecar]',
  '',
].join('\n');

const input = {
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } } },
};
const injected = {
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    template: {
      metadata: {
        labels: { app: 'web', 'security.istio.io/tlsMode': 'istio' },
        annotations: { 'sidecar.istio.io/status': 'new', 'prometheus.io/port': '15020' },
      },
      spec: {
        initContainers: [{ name: 'istio-init', image: 'proxyv2:2.0' }],
        containers: [
          { name: 'web' },
          { name: 'istio-proxy', image: 'proxyv2:2.0', args: ['proxy', 'sidecar'] },
        ],
        volumes: [{ name: 'istio-envoy', emptyDir: {} }],
      },
    },
  },
};

describe('regeneratedStrategicMerge', () => {
  it('edits only what changed, appends what the injector adds, keeps comments and quoting', () => {
    const out = regeneratedStrategicMerge(patch, 'Deployment', 'web', input, injected)!;
    expect(out).toBe(
      [
        '# sidecar',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web}',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        "        sidecar.istio.io/status: 'new' # kept",
        '        prometheus.io/port: "15020"',
        '      labels:',
        '        security.istio.io/tlsMode: istio',
        '    spec:',
        '      containers:',
        '        - name: "istio-proxy"',
        '          image: proxyv2:2.0 # the proxy',
        '          args: [proxy, sidecar]',
        '      initContainers:',
        '        - name: istio-init',
        '          image: proxyv2:2.0',
        '      volumes:',
        '        - name: istio-envoy',
        '          emptyDir: {}',
        '',
      ].join('\n'),
    );
    expect(regeneratedStrategicMerge(out, 'Deployment', 'web', input, injected)).toBeUndefined();
  });

  it('keeps CRLF line endings and names the metadata a patch without any lacks', () => {
    const crlf = patch.replace(/ {4}metadata:\n.*\n.*\n/, '').replace(/\n/g, '\r\n');
    const leftOut: string[] = [];
    const out = regeneratedStrategicMerge(crlf, 'Deployment', 'web', input, injected, leftOut)!;
    expect(out.split('\r\n').length).toBe(out.split('\n').length);
    expect(leftOut).toEqual([
      'label security.istio.io/tlsMode',
      'annotation sidecar.istio.io/status',
      'annotation prometheus.io/port',
    ]);
  });
});
