import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMesh, type MeshBuild } from './model.js';
import { rebuildMesh } from './rebuild.js';

const fixtures = join(new URL('../../..', import.meta.url).pathname, 'test/fixtures/mesh');
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function copyOf(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-rebuild-'));
  scratch.push(dir);
  cpSync(join(fixtures, fixture), dir, { recursive: true });
  return dir;
}

/** What the render check reads of a model: every cluster's workloads, namespaces and control planes. */
const facts = (build: MeshBuild) =>
  JSON.parse(
    JSON.stringify(
      build.model.clusters.map((c) => ({
        name: c.name,
        workloads: c.workloads,
        namespaces: c.namespaces,
        planes: c.controlPlanes.map((p) => [p.revision, p.version, p.tags]),
      })),
    ),
  ) as unknown;

describe('rebuildMesh: only the roots that render a changed file', () => {
  it('gives the model a whole build gives, for a changed base file shared by two overlays', async () => {
    const repo = copyOf('overlays');
    const before = await buildMesh(repo);
    const file = join(repo, 'base/deployment.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/image: (\S+)/, 'image: $1-changed'));
    const rebuilt = await rebuildMesh(before, repo, ['base/deployment.yaml']);
    expect(rebuilt).toBeDefined();
    expect(facts(rebuilt!)).toEqual(facts(await buildMesh(repo)));
    expect(JSON.stringify(facts(rebuilt!))).toContain('-changed');
  });

  it('gives the model a whole build gives when a JSON6902 sidecar patch changes (talk layout)', async () => {
    const repo = copyOf('talk');
    const before = await buildMesh(repo);
    const file = join(repo, 'apps/backend/deployment-sidecar.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/proxyv2:[^\s"']+/, 'proxyv2:1.20.0'));
    const rebuilt = await rebuildMesh(before, repo, ['apps/backend/deployment-sidecar.yaml']);
    expect(rebuilt).toBeDefined();
    expect(facts(rebuilt!)).toEqual(facts(await buildMesh(repo)));
  });

  it('declines what it cannot redo: a kustomization, a namespace, a file no root rendered', async () => {
    const repo = copyOf('overlays');
    const before = await buildMesh(repo);
    expect(await rebuildMesh(before, repo, ['overlays/prod/kustomization.yaml'])).toBeUndefined();
    expect(await rebuildMesh(before, repo, ['base/namespace.yaml'])).toBeUndefined();
    expect(await rebuildMesh(before, repo, ['elsewhere/new.yaml'])).toBeUndefined();
  });
});
