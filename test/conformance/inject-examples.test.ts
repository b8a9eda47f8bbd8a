// The bundled examples through the real injector: they re-render with no change at their own version,
// an upgrade keeps each workload's sidecar mode (never a second istio-proxy), a second run changes
// nothing, and what the repo cannot resolve or the user overrides is said and honoured.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { loadRepoConfig } from '../../src/core/config/repo-config.js';
import { renderSidecars, type RenderSidecarsOptions } from '../../src/core/inject/index.js';
import { REPO_ROOT } from '../support/runner.js';
import { recordingLogger } from '../support/recording-logger.js';
import { realIstioctlPair } from '../support/istioctl.js';
import { referenceInject } from '../support/inject-repo.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`inject examples skipped: ${skip}`);
const OLD = 'skip' in pair ? undefined : pair.old;
const NEW = 'skip' in pair ? undefined : pair.new;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const cacheDir = mkdtempSync(join(tmpdir(), 'inject-examples-cache-'));
scratch.push(cacheDir);

function copyOf(example: string): string {
  const root = mkdtempSync(join(tmpdir(), 'inject-example-'));
  scratch.push(root);
  cpSync(join(REPO_ROOT, 'examples', example), root, { recursive: true });
  return root;
}

function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  walk('');
  return files;
}

/** Per pod template: where its istio-proxy containers are and their images. */
function proxies(text: string): { name: string; init: string[]; containers: string[] }[] {
  const out: { name: string; init: string[]; containers: string[] }[] = [];
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as {
      metadata?: { name?: string };
      spec?: { template?: { spec?: Record<string, { name: string; image: string }[]> } };
    } | null;
    const spec = o?.spec?.template?.spec;
    if (!spec) continue;
    const images = (list: string) =>
      (spec[list] ?? []).filter((c) => c.name === 'istio-proxy').map((c) => c.image);
    out.push({
      name: o.metadata?.name ?? '',
      init: images('initContainers'),
      containers: images('containers'),
    });
  }
  return out;
}

/** The data-plane settings of the example's own config, as the action and the CLI read them. */
function configured(root: string, binary: string): RenderSidecarsOptions {
  const dp = loadRepoConfig(root).dataPlane;
  return {
    workspace: root,
    istioctl: binary,
    cacheDir,
    workers: 2,
    ...(dp.paths ? { paths: dp.paths } : {}),
    ...(dp.nativeSidecars
      ? { nativeSidecars: dp.nativeSidecars === 'auto' ? 'auto' : dp.nativeSidecars === 'true' }
      : {}),
    ...(dp.kubernetesVersion ? { kubernetesVersion: dp.kubernetesVersion } : {}),
  };
}

describe.skipIf(skip !== undefined)('the bundled examples through the real injector', () => {
  it('gitops-flux re-renders with no change at its own version', async () => {
    const root = copyOf('gitops-flux');
    const before = snapshot(root);
    const result = await renderSidecars(configured(root, OLD!.binary));
    expect(result.changedFiles).toEqual([]);
    expect(snapshot(root)).toEqual(before);
  });

  it('gitops-flux upgrades with its config, or without any, keeping native sidecars: one proxy per pod, then nothing to do', async () => {
    for (const withConfig of [true, false]) {
      const root = copyOf('gitops-flux');
      const options = withConfig
        ? configured(root, NEW!.binary)
        : { workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 };
      const result = await renderSidecars(options);
      expect(result.changedFiles.sort()).toEqual([
        'apps/bookinfo/productpage.yaml',
        'apps/bookinfo/ratings.yaml',
        'apps/bookinfo/reviews.yaml',
      ]);
      for (const file of result.changedFiles)
        for (const pod of proxies(readFileSync(join(root, file), 'utf8'))) {
          expect(pod.containers).toEqual([]);
          expect(pod.init).toEqual([`docker.io/istio/proxyv2:${NEW!.version}`]);
        }
      expect(result.workloads.every((w) => w.to?.mode === 'native' && w.from?.mode === 'native')).toBe(true);
      expect(result.renderCheck).toEqual({
        pods: 3,
        withOneProxy: 3,
        images: Array(3).fill(`docker.io/istio/proxyv2:${NEW!.version}`),
      });
      expect(result.summary).toContain('3 pods with a sidecar, 3 with exactly one `istio-proxy`');
      const after = snapshot(root);
      const again = await renderSidecars(options);
      expect(again.changedFiles).toEqual([]);
      expect(snapshot(root)).toEqual(after);
    }
  });

  it('a configured mode switch is made and reported, still with one proxy', async () => {
    const root = copyOf('gitops-flux');
    const { logger, notices } = recordingLogger();
    const result = await renderSidecars(
      {
        workspace: root,
        istioctl: NEW!.binary,
        cacheDir,
        workers: 2,
        nativeSidecars: false,
        paths: ['apps/**/*.yaml'],
      },
      { logger },
    );
    expect(result.changedFiles).toHaveLength(3);
    expect(
      notices.filter((n) => /switching the sidecar from native to classic/.test(n.message)),
    ).toHaveLength(3);
    for (const pod of proxies(readFileSync(join(root, 'apps/bookinfo/ratings.yaml'), 'utf8'))) {
      expect(pod.init).toEqual([]);
      expect(pod.containers).toHaveLength(1);
    }
  });

  it('names a values Secret the repo cannot resolve, and a values-file overrides the repo values', async () => {
    const root = copyOf('gitops-flux');
    const istiod = join(root, 'infrastructure/istio/istiod.yaml');
    writeFileSync(
      istiod,
      readFileSync(istiod, 'utf8').replace(
        '  values:\n',
        '  valuesFrom:\n    - kind: Secret\n      name: istiod-private-values\n  values:\n    global:\n      proxy:\n        resources:\n          requests: {cpu: 300m}\n',
      ),
    );
    writeFileSync(
      join(root, 'override.yaml'),
      'global:\n  proxy:\n    resources:\n      requests: {cpu: 350m}\n',
    );
    const { logger, warnings } = recordingLogger();
    await renderSidecars({ ...configured(root, NEW!.binary), valuesFile: 'override.yaml' }, { logger });
    expect(warnings.some((w) => w.includes('Secret') && w.includes('istiod-private-values'))).toBe(true);
    const text = readFileSync(join(root, 'apps/bookinfo/ratings.yaml'), 'utf8');
    expect(text).toContain('cpu: 350m');
    const withoutOverride = copyOf('gitops-flux');
    writeFileSync(join(withoutOverride, 'infrastructure/istio/istiod.yaml'), readFileSync(istiod, 'utf8'));
    await renderSidecars(configured(withoutOverride, NEW!.binary), { logger });
    expect(readFileSync(join(withoutOverride, 'apps/bookinfo/ratings.yaml'), 'utf8')).toContain('cpu: 300m');
  });
});

describe.skipIf(skip !== undefined)(
  "the talk's layout: sidecars in JSON6902 patches (real istioctl, real kustomize)",
  () => {
    const kustomizeBuild = (dir: string) => execFileSync('kustomize', ['build', dir], { encoding: 'utf8' });

    it('regenerates each sidecar patch in its own format, one proxy per pod at the target, nothing else touched, then nothing to do', async () => {
      const root = mkdtempSync(join(tmpdir(), 'inject-talk-'));
      scratch.push(root);
      cpSync(join(REPO_ROOT, 'test/fixtures/mesh/talk'), root, { recursive: true });
      const before = snapshot(root);
      const result = await renderSidecars({ workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 });
      expect(result.changedFiles.sort()).toEqual([
        'apps/backend/deployment-sidecar.yaml',
        'apps/frontend/deployment-sidecar.yaml',
      ]);
      const after = snapshot(root);
      for (const [path, text] of before)
        if (!result.changedFiles.includes(path)) expect(after.get(path), path).toBe(text);
      // Still a JSON6902 op list, the first op where it was, with its comment.
      const patch = after.get('apps/frontend/deployment-sidecar.yaml')!;
      expect(patch.startsWith('# Written by the sidecar job')).toBe(true);
      expect(patch).toContain('- op: add\n  path: /spec/template/spec/containers/1\n');
      const pods = proxies(kustomizeBuild(join(root, 'apps')));
      expect(pods.map((p) => [p.name, p.containers, p.init])).toEqual([
        ['backend', [`docker.io/istio/proxyv2:${NEW!.version}`], []],
        ['frontend', [`docker.io/istio/proxyv2:${NEW!.version}`], []],
      ]);
      expect(result.workloads.filter((w) => w.origin === 'JSON6902 patch').map((w) => w.to?.mode)).toEqual([
        'classic',
        'classic',
      ]);
      expect(result.skipped.every((s) => s.namespace === 'flux-system')).toBe(true);
      const again = await renderSidecars({ workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 });
      expect(again.changedFiles).toEqual([]);
      expect(snapshot(root)).toEqual(after);
    });

    type Template = {
      metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: { name: string }[] };
    };
    const frontendOf = (yaml: string) =>
      parseAllDocuments(yaml)
        .map(
          (d) => d.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { template?: Template } },
        )
        .find((o) => o?.kind === 'Deployment' && o.metadata?.name === 'frontend')!;

    it("a patch that carries pod metadata gets the injector's status, labels and annotations, field for field as kube-inject", async () => {
      const root = mkdtempSync(join(tmpdir(), 'inject-talk-meta-'));
      scratch.push(root);
      cpSync(join(REPO_ROOT, 'test/fixtures/mesh/talk'), root, { recursive: true });
      const patchFile = join(root, 'apps/frontend/deployment-sidecar.yaml');
      writeFileSync(
        patchFile,
        readFileSync(patchFile, 'utf8') +
          `- op: add\n  path: /spec/template/metadata/annotations/sidecar.istio.io~1status\n  value: '{"initContainers":null,"containers":["istio-proxy"],"revision":"default"}'\n` +
          `- op: add\n  path: /spec/template/metadata/labels/security.istio.io~1tlsMode\n  value: istio\n`,
      );
      // The reference: the rendered workload without its sidecar, through kube-inject by hand.
      const workload = frontendOf(kustomizeBuild(join(root, 'apps')));
      const template = workload.spec!.template!;
      template.spec.containers = template.spec.containers.filter((c) => c.name !== 'istio-proxy');
      delete template.metadata.annotations!['sidecar.istio.io/inject'];
      delete template.metadata.annotations!['sidecar.istio.io/status'];
      delete template.metadata.labels!['security.istio.io/tlsMode'];
      const dir = mkdtempSync(join(tmpdir(), 'inject-talk-ref-'));
      scratch.push(dir);
      const reference = frontendOf(
        await referenceInject(NEW!.binary, stringify(workload), dir, { nativeSidecars: false }),
      ).spec!.template!;

      const notices: string[] = [];
      const logger = {
        info: () => {},
        debug: () => {},
        warning: () => {},
        notice: (m: string) => notices.push(m),
      };
      const result = await renderSidecars(
        { workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 },
        { logger },
      );
      expect(result.changedFiles.sort()).toEqual([
        'apps/backend/deployment-sidecar.yaml',
        'apps/frontend/deployment-sidecar.yaml',
      ]);
      const built = frontendOf(kustomizeBuild(join(root, 'apps'))).spec!.template!;
      for (const map of ['labels', 'annotations'] as const)
        for (const [key, value] of Object.entries(reference.metadata[map] ?? {}))
          expect(built.metadata[map]?.[key], `${map} ${key}`).toBe(value);
      expect(reference.metadata.annotations?.['sidecar.istio.io/status']).toBeDefined();
      expect(reference.metadata.labels?.['service.istio.io/canonical-name']).toBe('frontend');
      const proxyOf = (t: Template) => t.spec.containers.find((c) => c.name === 'istio-proxy');
      expect(proxyOf(built)).toEqual(proxyOf(reference));
      // The backend's patch carries no pod metadata: what it lacks is named, not added.
      expect(readFileSync(join(root, 'apps/backend/deployment-sidecar.yaml'), 'utf8')).not.toContain(
        'path: /spec/template/metadata',
      );
      expect(
        notices.some(
          (n) =>
            n.startsWith('apps/backend/deployment-sidecar.yaml adds the sidecar but no pod metadata') &&
            n.includes('annotation sidecar.istio.io/status'),
        ),
      ).toBe(true);
      const again = await renderSidecars({ workspace: root, istioctl: NEW!.binary, cacheDir, workers: 2 });
      expect(again.changedFiles).toEqual([]);
    });
  },
);
