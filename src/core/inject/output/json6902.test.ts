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
});
