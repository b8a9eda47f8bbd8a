// The batching injection pipeline against the real istioctl (both pinned versions): every workload kind
// mixed with other kinds, idempotence, the proxy upgrade, revisions, skips, output modes, atomic failure.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderSidecars, type RenderSidecarsOptions } from '../../src/core/inject/index.js';
import { splitYamlDocuments } from '../../src/core/inject/documents.js';
import { realIstioctlPair } from '../support/istioctl.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`inject pipeline conformance skipped: ${skip}`);
const OLD = 'skip' in pair ? undefined : pair.old;
const NEW = 'skip' in pair ? undefined : pair.new;

const FIXTURES = new URL('./__fixtures__/inject-pipeline/', import.meta.url).pathname;
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
// One injection cache for the whole file, so later tests also run on answers earlier ones recorded.
const cacheDir = mkdtempSync(join(tmpdir(), 'inject-pipeline-cache-'));
scratch.push(cacheDir);

/** A fresh repo with the fixtures under apps/, plus a CRLF file with a BOM. */
function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'inject-pipeline-'));
  scratch.push(root);
  cpSync(FIXTURES, join(root, 'apps'), { recursive: true });
  const crlf =
    '\uFEFF# windows file\r\napiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: win\r\n  namespace: shop\r\n' +
    'spec:\r\n  selector:\r\n    matchLabels: {app: win}\r\n  template:\r\n    metadata:\r\n      labels: {app: win}\r\n' +
    '    spec:\r\n      containers:\r\n      - name: win\r\n        image: nginx\r\n---\r\napiVersion: v1\r\nkind: Service\r\n' +
    'metadata: {name: win}\r\n';
  writeFileSync(join(root, 'apps', 'windows.yaml'), crlf);
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

interface Container {
  name: string;
  image?: string;
}
interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: Container[]; initContainers?: Container[] };
}

/** Every pod template of every workload in a file (List items included). */
function podTemplates(text: string): { name: string; template: PodTemplate }[] {
  const result: { name: string; template: PodTemplate }[] = [];
  const visit = (object: Record<string, unknown>) => {
    const kind = object['kind'];
    const spec = object['spec'] as Record<string, unknown> | undefined;
    const name = String((object['metadata'] as { name?: string } | undefined)?.name);
    if (kind === 'List') (object['items'] as Record<string, unknown>[]).forEach(visit);
    else if (kind === 'Pod') result.push({ name, template: object as PodTemplate });
    else if (kind === 'CronJob') {
      // istioctl annotates a CronJob's job template, not its pod template.
      const jobTemplate = spec?.['jobTemplate'] as {
        metadata?: PodTemplate['metadata'];
        spec: { template: PodTemplate };
      };
      result.push({
        name,
        template: { metadata: jobTemplate.metadata, spec: jobTemplate.spec.template.spec },
      });
    } else if (spec?.['template'] && kind !== 'CustomResourceDefinition')
      result.push({ name, template: spec['template'] as PodTemplate });
  };
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as Record<string, unknown> | null;
    if (object && typeof object === 'object') visit(object);
  }
  return result;
}

function proxies(template: PodTemplate): Container[] {
  return [...(template.spec?.containers ?? []), ...(template.spec?.initContainers ?? [])].filter(
    (c) => c.name === 'istio-proxy',
  );
}

function options(
  root: string,
  binary: string,
  extra: Partial<RenderSidecarsOptions> = {},
): RenderSidecarsOptions {
  return { workspace: root, paths: ['apps/**/*.yaml'], istioctl: binary, workers: 2, cacheDir, ...extra };
}

describe.skipIf(skip)('inject pipeline with real istioctl', () => {
  it('injects every workload kind, leaves other documents byte-identical, and a second run changes nothing', async () => {
    const root = makeRepo();
    const before = snapshot(root);
    const result = await renderSidecars(options(root, NEW!.binary));

    const injectedNames = result.workloads
      .filter((w) => w.status === 'injected')
      .map((w) => `${w.kind}/${w.name}`);
    expect(injectedNames.sort()).toEqual(
      [
        'Deployment/web',
        'StatefulSet/db',
        'DaemonSet/agent',
        'ReplicaSet/cache',
        'Job/migrate',
        'CronJob/report',
        'Pod/debug',
        'ReplicationController/legacy',
        'DeploymentConfig/openshift-app',
        'Deployment/listed-api',
        'Deployment/win',
      ].sort(),
    );
    expect(result.workloads).toHaveLength(14);
    expect(result.proxyImage).toBe(`docker.io/istio/proxyv2:${NEW!.version}`);
    expect(result.changedFiles).toEqual(['apps/mixed.yaml', 'apps/more.yaml', 'apps/windows.yaml']);
    expect(result.istioctlProcesses).toBeLessThanOrEqual(2);

    // Non-workload documents, comments and separators are byte-identical.
    for (const file of ['apps/mixed.yaml', 'apps/more.yaml', 'apps/windows.yaml']) {
      const oldText = before.get(file)!;
      const newText = readFileSync(join(root, file), 'utf8');
      const oldDocs = splitYamlDocuments(oldText);
      const newDocs = splitYamlDocuments(newText);
      expect(newDocs).toHaveLength(oldDocs.length);
      oldDocs.forEach((doc, i) => {
        const isWorkload =
          /^kind: (Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod|ReplicationController|DeploymentConfig|List)\s*$/m.test(
            doc.body,
          );
        const oldLeading = oldText.slice(doc.start, doc.bodyStart);
        const newLeading = newText.slice(newDocs[i]!.start, newDocs[i]!.bodyStart);
        expect(newLeading).toBe(oldLeading);
        expect(newText.slice(newDocs[i]!.bodyEnd, newDocs[i]!.end)).toBe(oldText.slice(doc.bodyEnd, doc.end));
        if (!isWorkload) expect(newDocs[i]!.body).toBe(doc.body);
      });
    }
    expect(readFileSync(join(root, 'apps/skipped.yaml'), 'utf8')).toBe(before.get('apps/skipped.yaml'));
    const windows = readFileSync(join(root, 'apps/windows.yaml'), 'utf8');
    expect(windows.startsWith('\uFEFF# windows file\r\n')).toBe(true);
    expect(windows.replace(/\r\n/g, '')).not.toContain('\n');
    expect(windows.endsWith('metadata: {name: win}\r\n')).toBe(true);

    for (const file of ['apps/mixed.yaml', 'apps/more.yaml']) {
      for (const { name, template } of podTemplates(readFileSync(join(root, file), 'utf8'))) {
        expect(proxies(template), name).toHaveLength(1);
        expect(proxies(template)[0]!.image).toBe(`docker.io/istio/proxyv2:${NEW!.version}`);
      }
    }

    const after = snapshot(root);
    const second = await renderSidecars(options(root, NEW!.binary));
    expect(second.changedFiles).toEqual([]);
    expect(second.workloads.filter((w) => w.status === 'unchanged')).toHaveLength(11);
    expect(snapshot(root)).toEqual(after);
  });

  it('reports skipped workloads with their reasons and fails on skip when asked, writing nothing', async () => {
    const root = makeRepo();
    const result = await renderSidecars(options(root, NEW!.binary, { paths: ['apps/skipped.yaml'] }));
    expect(result.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['opted-out', 'injection-disabled'],
      ['node-exporter', 'host-network'],
      ['coredns-extra', 'system-namespace'],
    ]);
    // istioctl's own words for the first two; offline istioctl would inject kube-system, the webhook never does.
    expect(result.skipped.slice(0, 2).every((s) => s.message?.includes('Skipping injection'))).toBe(true);
    expect(result.skipped[2]!.message).toContain('webhook never injects');
    expect(result.changedFiles).toEqual([]);
    expect(result.summary).toContain('hostNetwork');

    const before = snapshot(root);
    await expect(renderSidecars(options(root, NEW!.binary, { failOnSkip: true }))).rejects.toThrow(
      /3 workloads were skipped/,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it('upgrades a repo injected with the old version to exactly one istio-proxy per pod at the new tag', async () => {
    const root = makeRepo();
    await renderSidecars(options(root, OLD!.binary));
    const oldText = readFileSync(join(root, 'apps/mixed.yaml'), 'utf8');
    expect(oldText).toContain(`proxyv2:${OLD!.version}`);

    const result = await renderSidecars(options(root, NEW!.binary));
    const web = result.workloads.find((w) => w.name === 'web')!;
    expect(web.status).toBe('injected');
    expect(web.from?.proxyImage).toBe(`docker.io/istio/proxyv2:${OLD!.version}`);
    expect(web.to?.proxyImage).toBe(`docker.io/istio/proxyv2:${NEW!.version}`);
    expect(result.summary).toContain(`${OLD!.version} → ${NEW!.version}`);
    for (const file of ['apps/mixed.yaml', 'apps/more.yaml', 'apps/windows.yaml']) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text).not.toContain(`proxyv2:${OLD!.version}`);
      for (const { name, template } of podTemplates(text)) {
        expect(proxies(template), `${file} ${name}`).toHaveLength(1);
        expect(proxies(template)[0]!.image).toBe(`docker.io/istio/proxyv2:${NEW!.version}`);
      }
    }
  });

  it('moves workloads to a revision and says from which to which', async () => {
    const root = makeRepo();
    await renderSidecars(options(root, NEW!.binary, { paths: ['apps/mixed.yaml'] }));
    const result = await renderSidecars(
      options(root, NEW!.binary, { paths: ['apps/mixed.yaml'], revision: 'canary' }),
    );
    expect(result.revision).toBe('canary');
    const web = result.workloads.find((w) => w.name === 'web')!;
    expect(web.from?.revision).toBe('default');
    expect(web.to?.revision).toBe('canary');
    expect(result.summary).toContain('(rev canary)');
    for (const { template } of podTemplates(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8'))) {
      expect(JSON.parse(template.metadata!.annotations!['sidecar.istio.io/status']!).revision).toBe('canary');
      expect(proxies(template)).toHaveLength(1);
    }
  });

  it('native sidecars put istio-proxy among the init containers, once, and stay idempotent', async () => {
    const root = makeRepo();
    const run = () =>
      renderSidecars(options(root, NEW!.binary, { paths: ['apps/mixed.yaml'], nativeSidecars: true }));
    expect((await run()).nativeSidecars).toBe(true);
    for (const { name, template } of podTemplates(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8'))) {
      const init = (template.spec?.initContainers ?? []) as (Container & { restartPolicy?: string })[];
      expect(
        init.filter((c) => c.name === 'istio-proxy').map((c) => c.restartPolicy),
        name,
      ).toEqual(['Always']);
      expect(proxies(template)).toHaveLength(1);
    }
    expect((await run()).changedFiles).toEqual([]);
  });

  it('render-dir keeps sources clean and writes injected copies under the same relative paths', async () => {
    const root = makeRepo();
    const before = snapshot(root);
    const result = await renderSidecars(
      options(root, NEW!.binary, { output: 'render-dir', outputDir: 'rendered' }),
    );
    expect(result.changedFiles).toEqual([
      'rendered/apps/mixed.yaml',
      'rendered/apps/more.yaml',
      'rendered/apps/skipped.yaml',
      'rendered/apps/windows.yaml',
    ]);
    for (const [path, text] of before) expect(readFileSync(join(root, path), 'utf8'), path).toBe(text);
    expect(readFileSync(join(root, 'rendered/apps/mixed.yaml'), 'utf8')).toContain(`proxyv2:${NEW!.version}`);
    const again = await renderSidecars(
      options(root, NEW!.binary, { output: 'render-dir', outputDir: 'rendered' }),
    );
    expect(again.changedFiles).toEqual([]);
  });

  it('patches: one strategic-merge patch per workload keyed by container name, wired into kustomization.yaml', async () => {
    const root = makeRepo();
    writeFileSync(join(root, 'apps/kustomization.yaml'), 'resources:\n  - mixed.yaml\n# keep me\n');
    const mixedBefore = readFileSync(join(root, 'apps/mixed.yaml'), 'utf8');
    const result = await renderSidecars(
      options(root, NEW!.binary, { output: 'patches', paths: ['apps/mixed.yaml'] }),
    );
    expect(readFileSync(join(root, 'apps/mixed.yaml'), 'utf8')).toBe(mixedBefore);
    expect(result.changedFiles).toContain('apps/istio-sidecar.deployment.shop.web.yaml');
    expect(result.changedFiles).toContain('apps/kustomization.yaml');
    const patch = parseAllDocuments(
      readFileSync(join(root, 'apps/istio-sidecar.deployment.shop.web.yaml'), 'utf8'),
    )[0]!.toJS() as {
      kind: string;
      metadata: { name: string; namespace: string };
      spec: { template: PodTemplate & { spec: Record<string, unknown> } };
    };
    expect(patch.kind).toBe('Deployment');
    expect(patch.metadata).toEqual({ name: 'web', namespace: 'shop' });
    const containers = patch.spec.template.spec.containers!;
    expect(containers.map((c) => c.name)).toContain('istio-proxy');
    expect(containers.every((c) => typeof c.name === 'string')).toBe(true);
    expect(patch.spec.template.metadata?.annotations?.['sidecar.istio.io/status']).toBeTruthy();
    expect(JSON.stringify(patch)).not.toMatch(/\/containers\/\d/);
    const kustomization = readFileSync(join(root, 'apps/kustomization.yaml'), 'utf8');
    expect(kustomization.startsWith('resources:\n  - mixed.yaml\n# keep me\npatches:\n')).toBe(true);
    expect(kustomization).toContain('- path: istio-sidecar.deployment.shop.web.yaml');
    const again = await renderSidecars(
      options(root, NEW!.binary, { output: 'patches', paths: ['apps/mixed.yaml'] }),
    );
    expect(again.changedFiles).toEqual([]);
  });

  it('leaves Helm templates alone instead of failing the run on them', async () => {
    const root = makeRepo();
    const chart =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{{ .Release.Name }}\nspec:\n  template: {{ toYaml .Values.t }}\n';
    writeFileSync(join(root, 'apps/chart.yaml'), chart);
    const result = await renderSidecars(options(root, NEW!.binary, { paths: ['apps/chart.yaml'] }));
    expect(result.workloads).toEqual([]);
    expect(readFileSync(join(root, 'apps/chart.yaml'), 'utf8')).toBe(chart);
  });

  it('leaves every file untouched when istioctl fails on one document, and names it', async () => {
    const root = makeRepo();
    // A Deployment whose pod template metadata is a string: istioctl cannot decode it. (A template that is
    // not a mapping at all is not a workload, and is left alone before istioctl sees it.)
    writeFileSync(
      join(root, 'apps/zz-broken.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken}\nspec:\n  template:\n    metadata: oops\n    spec:\n      containers: [{name: a, image: nginx}]\n',
    );
    const before = snapshot(root);
    const error = await renderSidecars(options(root, NEW!.binary)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/apps\/zz-broken\.yaml:5 \(Deployment broken\)/);
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, 'apps/zz-broken.yaml'))).toBe(true);
  });
});
