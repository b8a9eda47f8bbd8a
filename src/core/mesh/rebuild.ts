// The model of a workspace that differs from an already built one only in a few files: the roots
// that render any of those files are rendered again, everything else (other roots, control planes,
// components) is the earlier build's. Undefined when the changes reach what the shortcut cannot
// redo (a kustomization, a root's declaration, a control plane or component source, a namespace):
// the caller then builds the whole model.
import { posix } from 'node:path';
import { silentLogger } from '../logger.js';
import { locateKustomize } from './kustomize.js';
import type { MeshBuild, MeshModelOptions } from './model.js';
import { applyPostBuild } from './post-build.js';
import { renderRoots } from './render.js';
import { KUSTOMIZATION_FILES, openRepoFiles } from './repo-files.js';
import { locateDocument } from './source-map.js';
import type { MeshCluster, MeshModel, RenderedRoot } from './types.js';
import { readWorkloads } from './workloads.js';

export async function rebuildMesh(
  before: MeshBuild,
  workspace: string,
  changed: readonly string[],
  options: MeshModelOptions = {},
): Promise<MeshBuild | undefined> {
  const paths = new Set(changed.map((p) => posix.normalize(p)));
  if (!shortcutApplies(before.model, before.rendered, paths)) return undefined;
  const affected = before.rendered.filter((r) => touches(r, paths));
  const files = openRepoFiles(workspace, options.logger ?? silentLogger, options.written, options.readValues);
  const needsKustomize = affected.some((r) => r.root.kustomization || (r.root.nested ?? []).length > 0);
  const fresh = await renderRoots(
    files,
    affected.map((r) => r.root),
    {
      ...(needsKustomize ? { kustomize: options.kustomize ?? locateKustomize() } : {}),
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
    },
  );
  const freshById = new Map(fresh.map((r) => [r.root.id, r]));
  // The other roots' objects serve substituteFrom lookups; they are not substituted a second time.
  const lookups = before.rendered
    .filter((r) => !freshById.has(r.root.id))
    .map((r) => ({ ...r, root: { ...r.root, flux: undefined } }));
  applyPostBuild(files, [...fresh, ...lookups]);
  for (const root of fresh) for (const object of root.objects) locateDocument(files, object);
  const rendered = before.rendered.map((r) => freshById.get(r.root.id) ?? r);
  const clusters: MeshCluster[] = [];
  for (const cluster of before.model.clusters) {
    const mine = rendered.filter((r) => r.root.cluster === cluster.name);
    if (!mine.some((r) => freshById.has(r.root.id))) {
      clusters.push(cluster);
      continue;
    }
    // No changed file holds a Namespace (shortcutApplies), so the namespaces are the earlier ones.
    const namespaces = cluster.namespaces;
    const workloads = mine.flatMap((r) => {
      const again = freshById.get(r.root.id);
      return again
        ? readWorkloads(files, [again], namespaces)
        : cluster.workloads.filter((w) => w.root === r.root.id);
    });
    clusters.push({ ...cluster, workloads, objects: mine.flatMap((r) => r.objects) });
  }
  const model: MeshModel = { clusters, warnings: before.model.warnings };
  files.forgetParsed();
  return { model, files, rendered };
}

/** Whether a root renders any of the paths. */
function touches(rendered: RenderedRoot, paths: ReadonlySet<string>): boolean {
  return [...paths].some((p) => reads(rendered, p));
}

/**
 * Whether a root reads `path`: one of its plain files or objects' files, or any file under a
 * directory kustomize builds for it (its own, a nested one, one that configures its patches).
 */
function reads(rendered: RenderedRoot, path: string): boolean {
  const { root } = rendered;
  if (root.files?.includes(path)) return true;
  if (rendered.objects.some((o) => o.source?.file === path)) return true;
  const dirs = new Set(root.nested ?? []);
  if (root.kustomization) dirs.add(root.path);
  for (const o of rendered.objects) for (const p of o.patchedIn) dirs.add(posix.dirname(p));
  return [...dirs].some((dir) => dir === '.' || path.startsWith(`${dir}/`));
}

function shortcutApplies(
  model: MeshModel,
  rendered: readonly RenderedRoot[],
  paths: ReadonlySet<string>,
): boolean {
  const named = (file: string | undefined) => file !== undefined && paths.has(file);
  for (const path of paths)
    if ((KUSTOMIZATION_FILES as readonly string[]).includes(posix.basename(path))) return false;
  if (rendered.some((r) => !r.rendered || named(r.root.declaredBy?.source.file))) return false;
  // A file no root reads now (a new patch, a new file in a plain directory) needs discovery again.
  if ([...paths].some((p) => !rendered.some((r) => reads(r, p)))) return false;
  for (const cluster of model.clusters) {
    for (const plane of cluster.controlPlanes) {
      if (named(plane.source?.file)) return false;
      for (const d of plane.declarations)
        if (named(d.source?.file) || d.layers.some((l) => named(l.source?.file))) return false;
    }
    if (cluster.components.some((c) => named(c.source?.file))) return false;
    if (cluster.namespaces.some((n) => named(n.source?.file))) return false;
  }
  return true;
}
