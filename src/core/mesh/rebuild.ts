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
  const files = openRepoFiles(workspace, options.logger ?? silentLogger);
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

/** Whether a root renders any of the paths: one of its objects or patches comes from one. */
function touches(rendered: RenderedRoot, paths: ReadonlySet<string>): boolean {
  if (rendered.root.files?.some((f) => paths.has(f))) return true;
  return rendered.objects.some(
    (o) => (o.source && paths.has(o.source.file)) || o.patchedIn.some((p) => paths.has(p)),
  );
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
  // A new file (a patch the output writes) may be read by roots that did not read it before.
  const known = new Set<string>();
  for (const r of rendered) {
    for (const f of r.root.files ?? []) known.add(f);
    for (const o of r.objects) {
      if (o.source) known.add(o.source.file);
      for (const p of o.patchedIn) known.add(p);
    }
  }
  if ([...paths].some((p) => !known.has(p))) return false;
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
