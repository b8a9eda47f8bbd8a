// Builds the mesh model of a workspace: roots rendered by kustomize, Flux substitution, the source
// map, then per cluster its control planes (from the values sources), components, namespaces and
// workloads. The model is the one answer to "what runs here".
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { parseIstioVersion } from '../versions/parse.js';
import { asArray, asRecord, asString } from './documents.js';
import { locateKustomize, type Kustomize } from './kustomize.js';
import { applyPostBuild } from './post-build.js';
import { renderRoots } from './render.js';
import { openRepoFiles, type RepoFiles } from './repo-files.js';
import { discoverRoots, PLAIN_CLUSTER } from './roots.js';
import { readPlainVersionFile } from './current-version.js';
import { listWorkspaceFiles } from '../workspace/files.js';
import { posix } from 'node:path';
import { locateDocument } from './source-map.js';
import type {
  ControlPlane,
  MeshCluster,
  MeshComponent,
  MeshModel,
  MeshWarning,
  RenderedObject,
  RenderedRoot,
} from './types.js';
import { findControlPlanes } from './values/index.js';
import type { ControlPlaneDeclaration, ValuesLookupContext } from './values/types.js';
import { imageVersion, istioComponentOf, readNamespaces, readWorkloads } from './workloads.js';

export interface MeshModelOptions {
  logger?: Logger;
  /** Default: located on first need (KUSTOMIZE, PATH, kubectl kustomize). */
  kustomize?: Kustomize;
  concurrency?: number;
  timeoutMs?: number;
  /** Default: every values source in the registry. */
  findControlPlanes?: (context: ValuesLookupContext) => Promise<ControlPlaneDeclaration[]>;
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
  const files = openRepoFiles(workspace, logger);
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

  const finder = options.findControlPlanes ?? findControlPlanes;
  const clusterNames = [...new Set(roots.map((r) => r.cluster))].sort();
  const clusters: MeshCluster[] = [];
  for (const name of clusterNames) {
    const mine = rendered.filter((r) => r.root.cluster === name);
    const objects = mine.flatMap((r) => r.objects);
    const declarations = await finder({ objects, readFile: files.readFile });
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
  addVersionFiles(workspace, clusters, warnings, logger);
  for (const root of rendered) warnings.push(...root.warnings);
  return { model: { clusters, warnings }, files, rendered };
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

/** istiod declarations grouped by revision, plus istiod Deployments rendered as plain manifests. */
function controlPlanesOf(
  declarations: ControlPlaneDeclaration[],
  objects: RenderedObject[],
  warnings: MeshWarning[],
): ControlPlane[] {
  const byRevision = new Map<string, ControlPlane>();
  for (const declaration of declarations.filter((d) => d.component === 'istiod')) {
    const revision = declaration.revision ?? 'default';
    const version = declaration.version ?? declaration.chart?.version;
    const existing = byRevision.get(revision);
    if (existing) {
      existing.declarations.push(declaration);
      if (version && existing.version && version !== existing.version)
        warnings.push({
          ...(declaration.source ?? {}),
          message: `revision ${revision} is declared twice with different versions (${existing.version} and ${version}); the first is used`,
        });
      continue;
    }
    byRevision.set(revision, {
      revision,
      ...(version ? { version } : {}),
      tags: tagsOf(declaration.values),
      ...(declaration.chart ? { chart: declaration.chart } : {}),
      ...(declaration.source ? { source: declaration.source } : {}),
      values: declaration.values,
      ...(declaration.meshConfig ? { meshConfig: declaration.meshConfig } : {}),
      declarations: [declaration],
    });
  }
  for (const object of objects) {
    if (istioComponentOf(object) !== 'istiod') continue;
    const labels = asRecord(asRecord(object.object.metadata)?.labels) ?? {};
    const revision = asString(labels['istio.io/rev']) ?? 'default';
    if (byRevision.has(revision)) continue;
    const version = deploymentVersion(object);
    byRevision.set(revision, {
      revision,
      ...(version ? { version } : {}),
      tags: [],
      ...(object.source ? { source: object.source } : {}),
      values: {},
      declarations: [],
    });
  }
  // `defaultRevision` on a revision makes the `default` tag point at it.
  for (const plane of byRevision.values()) {
    const defaultRevision = plane.declarations.map((d) => asString(d.values.defaultRevision)).find(Boolean);
    if (defaultRevision && defaultRevision === plane.revision && !plane.tags.includes('default'))
      plane.tags.push('default');
  }
  return [...byRevision.values()].sort((a, b) => a.revision.localeCompare(b.revision));
}

function tagsOf(values: Record<string, unknown>): string[] {
  return asArray(values.revisionTags)
    .map((t) => asString(t) ?? '')
    .filter(Boolean);
}

function deploymentVersion(object: RenderedObject): string | undefined {
  const containers = asArray(
    asRecord(asRecord(asRecord(asRecord(object.object.spec)?.template)?.spec))?.containers,
  );
  for (const container of containers) {
    const image = asString(asRecord(container)?.image);
    const version = image ? imageVersion(image) : undefined;
    if (version) return version;
  }
  return undefined;
}

function componentsOf(declarations: ControlPlaneDeclaration[], objects: RenderedObject[]): MeshComponent[] {
  const out: MeshComponent[] = [];
  for (const d of declarations) {
    if (d.component !== 'gateway' && d.component !== 'cni' && d.component !== 'ztunnel') continue;
    const version = d.version ?? d.chart?.version;
    out.push({
      component: d.component,
      name: d.name,
      ...(d.namespace ? { namespace: d.namespace } : {}),
      ...(version && parseIstioVersion(version) ? { version } : {}),
      ...(d.revision ? { revision: d.revision } : {}),
      ...(d.source ? { source: d.source } : {}),
      declaration: d,
    });
  }
  for (const object of objects) {
    const component = istioComponentOf(object);
    if (component !== 'gateway' && component !== 'ztunnel' && component !== 'cni') continue;
    const version = deploymentVersion(object);
    out.push({
      component,
      name: `${object.kind} ${object.name}`,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      ...(version ? { version } : {}),
      ...(object.source ? { source: object.source } : {}),
    });
  }
  return out;
}
