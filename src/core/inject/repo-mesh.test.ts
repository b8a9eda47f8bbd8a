// The selection reads a workload document's values from the mesh model's read of it, when the model
// read it as the file holds it (a plain manifest), and from its own read otherwise (ADR 0013).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { buildMesh } from '../mesh/model.js';
import { findJobs, readSources, valuesFromModel } from './jobs.js';
import { readRepoMesh } from './repo-mesh.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const deployment = (name: string, image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: ${name}, istio.io/rev: stable}${extra}
    spec:
      containers:
      - name: app
        image: ${image}
`;

/** Loose manifests, one of them with a YAML 1.1 word, and a Flux Kustomization that substitutes another. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'repo-mesh-'));
  dirs.push(root);
  const files: Record<string, string> = {
    'apps/web.yaml': `# the web tier\n${deployment('web', 'registry.example.com/web:1.0.0')}`,
    'apps/legacy.yaml': deployment(
      'legacy',
      'registry.example.com/legacy:1',
      '\n      annotations: {enabled: yes}',
    ),
    'clusters/prod/api.yaml': [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata:',
      '  name: api',
      '  namespace: flux-system',
      'spec:',
      '  path: ./flux-apps',
      '  sourceRef: {kind: GitRepository, name: flux-system}',
      '  postBuild:',
      '    substitute: {TAG: "2.0.0"}',
      '',
    ].join('\n'),
    'flux-apps/api.yaml': deployment('api', 'registry.example.com/api:${TAG}'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('source values from the mesh model', () => {
  it("hands a plain manifest's values to its job, and leaves substituted or YAML 1.1 documents to the job's own read", async () => {
    const root = workspace();
    const mesh = (await readRepoMesh(root, undefined, silentLogger))!;
    const build = await mesh.loadBuild();
    const modelObject = (name: string) =>
      build.rendered.flatMap((r) => r.objects).find((o) => o.kind === 'Deployment' && o.name === name)!;

    // A plain manifest: the model's own value, by the line its content starts on (after the comment).
    expect(mesh.sourceValue('apps/web.yaml', 2)).toBe(modelObject('web').object);
    expect(mesh.sourceValue('apps/web.yaml', 1)).toBeUndefined();
    // Flux substitutes this one: what the model holds is not what the file says.
    expect(mesh.sourceValue('flux-apps/api.yaml', 1)).toBeUndefined();

    const jobs = findJobs(readSources({ workspace: root }, 'in-place', silentLogger), silentLogger);
    const byName = new Map(jobs.map((job) => [job.workloads[0]!.name, job]));
    for (const job of jobs) valuesFromModel(job, mesh);
    expect(byName.get('web')!.values!()).toBe(modelObject('web').object);
    // The job reads these itself: Flux's substitution is not the file's text, and `yes` is a boolean to
    // Kubernetes (YAML 1.1) but a string to the model's YAML 1.2 read.
    const api = byName.get('api')!.values!() as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(api.spec.template.spec.containers[0]!.image).toBe('registry.example.com/api:${TAG}');
    const legacy = byName.get('legacy')!.values!() as {
      spec: { template: { metadata: { annotations: unknown } } };
    };
    expect(legacy).not.toBe(modelObject('legacy').object);
    expect(legacy.spec.template.metadata.annotations).toEqual({ enabled: true });
  });

  it('gives no source values for a model it did not build itself', async () => {
    const root = workspace();
    const given = await buildMesh(root, { logger: silentLogger });
    const mesh = (await readRepoMesh(root, undefined, silentLogger, given))!;
    expect(mesh.sourceValue('apps/web.yaml', 2)).toBeUndefined();
  });
});
