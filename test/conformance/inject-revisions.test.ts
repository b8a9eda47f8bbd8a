// Two control-plane revisions with different values, against the real istioctl: each workload is
// rendered by the revision its namespace (istio-injection, istio.io/rev, a tag) or its own pod label
// names, with that revision's values; each revision's injection config is generated once; a second
// run changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderRevisionSidecars, renderSidecars } from '../../src/core/inject/index.js';
import { deployment, istiodRelease, namespace, newIstioctl, scratchRepos } from '../support/inject-repo.js';

const { skip, istioctl: NEW } = newIstioctl('inject revisions');

const resources = (cpu: string) => ({
  global: { proxy: { resources: { requests: { cpu, memory: '64Mi' } } } },
});

const FILES: Record<string, string> = {
  'infra/istiod.yaml': [
    istiodRelease('istiod', resources('110m')),
    istiodRelease('istiod-canary', { revision: 'canary', revisionTags: ['prod'], ...resources('330m') }),
  ].join('---\n'),
  'infra/namespaces.yaml': [
    namespace('meshed', { 'istio-injection': 'enabled' }),
    namespace('canary', { 'istio.io/rev': 'canary' }),
    namespace('tagged', { 'istio.io/rev': 'prod' }),
    namespace('plain'),
  ].join('---\n'),
  'apps/meshed.yaml': deployment('a', 'meshed'),
  'apps/canary.yaml': deployment('b', 'canary'),
  'apps/tagged.yaml': deployment('c', 'tagged'),
  'apps/pod-rev.yaml': deployment('d', 'plain', { 'istio.io/rev': 'canary' }),
};

const repo = scratchRepos('inject-revisions-', FILES);

interface Pod {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: { containers: { name: string; args?: string[]; resources?: { requests?: { cpu?: string } } }[] };
}

function pod(root: string, file: string) {
  const doc = parse(readFileSync(join(root, file), 'utf8')) as { spec: { template: Pod } };
  const template = doc.spec.template;
  const proxy = [
    ...template.spec.containers,
    ...((template.spec as { initContainers?: Pod['spec']['containers'] }).initContainers ?? []),
  ].find((c) => c.name === 'istio-proxy')!;
  const status = JSON.parse(template.metadata.annotations['sidecar.istio.io/status']!) as {
    revision: string;
  };
  return {
    cpu: proxy.resources?.requests?.cpu,
    status: status.revision,
    label: template.metadata.labels['istio.io/rev'],
    text: readFileSync(join(root, file), 'utf8'),
  };
}

function collectingLogger() {
  const info: string[] = [];
  return {
    info,
    logger: {
      info: (m: string) => info.push(m),
      debug: () => {},
      warning: () => {},
      notice: () => {},
    },
  };
}

describe.skipIf(skip !== undefined)('each workload gets its own revision (real istioctl)', () => {
  it("renders every workload with the injector and values of the revision its labels name, each revision's config once", async () => {
    const root = repo();
    const { info, logger } = collectingLogger();
    const result = await renderSidecars(
      { workspace: root, istioctl: NEW!.binary, cacheDir: false, workers: 1 },
      { logger },
    );
    expect(result.changedFiles).toEqual([
      'apps/canary.yaml',
      'apps/meshed.yaml',
      'apps/pod-rev.yaml',
      'apps/tagged.yaml',
    ]);
    const meshed = pod(root, 'apps/meshed.yaml');
    expect(meshed).toMatchObject({ cpu: '110m', status: 'default' });
    expect(meshed.text).toContain('istiod.istio-system.svc:15012');
    for (const file of ['apps/canary.yaml', 'apps/tagged.yaml', 'apps/pod-rev.yaml']) {
      const p = pod(root, file);
      expect(p, file).toMatchObject({ cpu: '330m', status: 'canary' });
      expect(p.text, file).toContain('istiod-canary.istio-system.svc:15012');
    }
    expect(Object.fromEntries(result.workloads.map((w) => [w.name, w.to?.revision]))).toEqual({
      a: 'default',
      b: 'canary',
      c: 'canary',
      d: 'canary',
    });
    // One manifest generate per revision, whatever the number of workloads it serves.
    const generated = info.filter((m) => m.startsWith('offline inject config for Istio'));
    expect(generated).toHaveLength(2);
    expect(generated.filter((m) => m.includes('revision canary'))).toHaveLength(1);
    const perRevision = info.find((m) => m.startsWith('rendered per revision:'));
    expect(perRevision).toContain('canary (3)');
    expect(perRevision).toContain('default (1)');

    const again = await renderSidecars({
      workspace: root,
      istioctl: NEW!.binary,
      cacheDir: false,
      workers: 1,
    });
    expect(again.changedFiles).toEqual([]);
  });

  it('a pinned revision (a canary move) renders every workload with that revision', async () => {
    const root = repo();
    const result = await renderRevisionSidecars({
      workspace: root,
      files: ['apps/meshed.yaml', 'apps/canary.yaml'],
      revision: 'canary',
      version: NEW!.version,
      istioctl: NEW!.binary,
      cacheDir: false,
    });
    expect(result.changedFiles).toEqual(['apps/canary.yaml', 'apps/meshed.yaml']);
    expect(pod(root, 'apps/meshed.yaml')).toMatchObject({ cpu: '330m', status: 'canary' });
  });
});
