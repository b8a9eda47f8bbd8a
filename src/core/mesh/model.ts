// Builds the mesh model of a workspace: roots rendered by kustomize, Flux substitution, the source
// map, then per cluster its control planes (from the values sources), components, namespaces and
// workloads. The model is the one answer to "what runs here".
import { spawnSync } from 'node:child_process';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { parseIstioVersion } from '../versions/parse.js';
import { asRecord, asString } from './documents.js';
import { locateKustomize, type Kustomize } from './kustomize.js';
import { applyPostBuild } from './post-build.js';
import { renderRoots } from './render.js';
import { openRepoFiles, type RepoFiles } from './repo-files.js';
import { discoverRoots, PLAIN_CLUSTER } from './roots.js';
import { readPlainVersionFile } from './current-version.js';
import { listWorkspaceFiles } from '../workspace/files.js';
import { posix } from 'node:path';
import { locateDocument } from './source-map.js';
import type { MeshCluster, MeshModel, MeshRoot, MeshWarning, RenderedObject, RenderedRoot } from './types.js';
import { findControlPlanes } from './values/index.js';
import type { ControlPlaneDeclaration, ValuesLookupContext } from './values/types.js';
import { readNamespaces, readWorkloads } from './workloads.js';
import { componentsOf, controlPlanesOf } from './control-planes.js';
import type { ReadValues } from './yaml-values.js';

export interface MeshModelOptions {
  logger?: Logger;
  /** Default: located on first need (KUSTOMIZE, PATH, kubectl kustomize). */
  kustomize?: Kustomize;
  concurrency?: number;
  timeoutMs?: number;
  /** Default: `git remote -v` of the workspace. */
  repositoryUrls?: readonly string[];
  /** Default: every values source in the registry. */
  findControlPlanes?: (context: ValuesLookupContext) => Promise<ControlPlaneDeclaration[]>;
  /** Contents of files just written into the workspace, used as read (openRepoFiles). */
  written?: ReadonlyMap<string, string>;
  /** Documents of those files the caller has already read (ReadValues), taken instead of read again. */
  readValues?: ReadValues;
}

export interface MeshBuild {
  model: MeshModel;
  files: RepoFiles;
  rendered: RenderedRoot[];
}

export async function buildMeshModel(workspace: string, options: MeshModelOptions = {}): Promise<MeshModel> {
  return (await buildMesh(workspace, options)).model;
}

/** The model with what it was built from, for the invariants and for later edits. */
export async function buildMesh(workspace: string, options: MeshModelOptions = {}): Promise<MeshBuild> {
  const logger = options.logger ?? silentLogger;
  const files = openRepoFiles(workspace, logger, options.written, options.readValues);
  const { roots, warnings } = discoverRoots(files);
  const needsKustomize = roots.some((r) => r.kustomization);
  const kustomize = needsKustomize ? (options.kustomize ?? locateKustomize()) : undefined;
  if (kustomize)
    logger.info(
      `rendering ${roots.filter((r) => r.kustomization).length} kustomize root(s) with ${kustomize.description}`,
    );
  const rendered = await renderRoots(files, roots, {
    ...(kustomize ? { kustomize } : {}),
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
  });
  applyPostBuild(files, rendered);
  for (const root of rendered) for (const object of root.objects) locateDocument(files, object);

  const { clusterNames, found } = await declarationsByCluster(workspace, files, roots, rendered, options);
  const clusters: MeshCluster[] = [];
  for (const name of [...new Set([...clusterNames, ...found.keys()])].sort()) {
    const mine = rendered.filter((r) => r.root.cluster === name);
    const objects = mine.flatMap((r) => r.objects);
    const declarations = found.get(name) ?? [];
    const namespaces = readNamespaces(files, mine);
    clusters.push({
      name,
      roots: mine.map((r) => r.root),
      controlPlanes: controlPlanesOf(declarations, objects, warnings),
      components: componentsOf(declarations, objects),
      namespaces,
      workloads: readWorkloads(files, mine, namespaces),
      objects,
    });
  }
  // A cluster of loose files that declares nothing is not a cluster.
  const declared = clusters.filter(
    (c) => c.roots.length > 0 || c.controlPlanes.length > 0 || c.components.length > 0,
  );
  addVersionFiles(workspace, declared, warnings, logger);
  for (const root of rendered) warnings.push(...root.warnings);
  return { model: { clusters: declared, warnings }, files, rendered };
}

/** What the values sources declare, by the cluster each declaration installs into. */
async function declarationsByCluster(
  workspace: string,
  files: RepoFiles,
  roots: MeshRoot[],
  rendered: RenderedRoot[],
  options: MeshModelOptions,
): Promise<{ clusterNames: string[]; found: Map<string, ControlPlaneDeclaration[]> }> {
  const finder = options.findControlPlanes ?? findControlPlanes;
  const filesOf = clusterFiles(files.paths, roots);
  const clusterNames = [...new Set([...roots.map((r) => r.cluster), ...filesOf.keys()])].sort();
  const repositoryUrls = options.repositoryUrls ?? gitRemoteUrls(workspace);
  const found = new Map<string, ControlPlaneDeclaration[]>();
  for (const name of clusterNames) {
    const objects = rendered.filter((r) => r.root.cluster === name).flatMap((r) => r.objects);
    const declarations = await finder({
      objects,
      readFile: files.readFile,
      files: filesOf.get(name) ?? [],
      repositoryUrls,
    });
    // An Argo CD Application installs into its destination, not where the Application itself lives.
    for (const d of declarations) {
      const target = argoDestinationOf(d, objects) ?? name;
      found.set(target, [...(found.get(target) ?? []), d]);
    }
  }
  return { clusterNames, found };
}

/**
 * A `.istio-version` file declares the default revision's version of the cluster whose root holds
 * it (else of the plain cluster), unless a values source already declares that revision.
 */
function addVersionFiles(
  workspace: string,
  clusters: MeshCluster[],
  warnings: MeshWarning[],
  logger: Logger,
): void {
  for (const path of listWorkspaceFiles(workspace, { patterns: ['**/.istio-version'], logger })) {
    let found;
    try {
      found = readPlainVersionFile(workspace, path);
    } catch {
      continue;
    }
    const version = parseIstioVersion(found.version)?.version;
    if (!version) continue;
    const dir = posix.dirname(path);
    const covers = (root: { path: string }) =>
      root.path === '.' || dir === root.path || dir.startsWith(`${root.path}/`);
    let cluster =
      clusters.find((c) => c.roots.some(covers)) ?? clusters.find((c) => c.name === PLAIN_CLUSTER);
    if (!cluster) {
      cluster = {
        name: PLAIN_CLUSTER,
        roots: [],
        controlPlanes: [],
        components: [],
        namespaces: [],
        workloads: [],
        objects: [],
      };
      clusters.push(cluster);
    }
    const declared = cluster.controlPlanes.find((p) => p.revision === 'default');
    if (declared) {
      if (declared.version && declared.version !== version)
        warnings.push({
          file: path,
          line: found.line,
          message: `${path} says ${version}, but cluster ${cluster.name} declares its default revision at ${declared.version}${declared.source ? ` (${declared.source.file}:${declared.source.line})` : ''}; the declaration wins`,
        });
      continue;
    }
    cluster.controlPlanes.push({
      revision: 'default',
      version,
      tags: [],
      source: { file: path, line: found.line },
      values: {},
      declarations: [],
    });
  }
}

/**
 * The repo's files each cluster's values sources may read (umbrella charts, helmfiles, value files):
 * those under its roots; files under no root belong to the plain cluster, which then exists.
 */
function clusterFiles(paths: readonly string[], roots: readonly MeshRoot[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const under = (path: string, dir: string) => dir === '.' || path.startsWith(`${dir}/`);
  for (const path of paths) {
    const owners = new Set(roots.filter((r) => under(path, r.path)).map((r) => r.cluster));
    if (owners.size === 0) owners.add(PLAIN_CLUSTER);
    for (const cluster of owners) out.set(cluster, [...(out.get(cluster) ?? []), path]);
  }
  // A cluster of loose files only matters when they declare something; the finder decides.
  return out;
}

/** The destination cluster of the Argo CD Application a declaration comes from, if it is one. */
function argoDestinationOf(
  declaration: ControlPlaneDeclaration,
  objects: RenderedObject[],
): string | undefined {
  if (declaration.sourceId !== 'argocd-application' || !declaration.source) return undefined;
  const app = objects.find(
    (o) =>
      o.kind === 'Application' &&
      o.source?.file === declaration.source?.file &&
      o.source?.line === declaration.source?.line,
  );
  const destination = asRecord(asRecord(app?.object.spec)?.destination);
  return asString(destination?.name) ?? asString(destination?.server);
}

/** The fetch URLs of the workspace's git remotes, so Argo CD sources can tell this repo's URLs. */
export function gitRemoteUrls(workspace: string): string[] {
  const result = spawnSync('git', ['-C', workspace, 'remote', '-v'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return [];
  return [
    ...new Set(
      result.stdout
        .split('\n')
        .map((l) => l.split(/\s+/)[1])
        .filter((u): u is string => Boolean(u)),
    ),
  ];
}
