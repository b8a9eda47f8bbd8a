// Where a Flux HelmRelease's substituted version really comes from, when several ConfigMaps share a
// name: the cluster root each file is applied from (following the Flux Kustomizations that apply it)
// and, among same-named ConfigMaps, the one Flux would read for a Kustomization.
import type { DocumentLookup } from '../kind.js';
import type { Pin } from '../types.js';
import { resourceKind, stringAt } from '../yaml-documents.js';
import { nearestTo } from '../../workspace/nearest.js';

export type ClusterRootOf = (file: string) => string | undefined;

/**
 * The cluster root a file is applied from: follow the Flux Kustomizations whose spec.path covers it
 * up to the bootstrap one (whose path covers its own file, like clusters/dev/flux-system), or to the
 * top-most one. Undefined when no Kustomization applies the file.
 */
export function clusterRoots(lookup: DocumentLookup): ClusterRootOf {
  let read: { file: string; path: string }[] | undefined;
  const applyingKustomizations = () => (read ??= readApplyingKustomizations(lookup));
  const covering = (file: string) =>
    applyingKustomizations()
      .filter((k) => file.startsWith(`${k.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0];
  const memo = new Map<string, string | undefined>();
  return (file) => {
    if (memo.has(file)) return memo.get(file);
    const seen = new Set<string>();
    let current = file;
    let root: string | undefined;
    for (;;) {
      const k = covering(current);
      if (!k || seen.has(k.path)) break;
      seen.add(k.path);
      root = k.path;
      if (k.file.startsWith(`${k.path}/`)) break;
      current = k.file;
    }
    memo.set(file, root);
    return root;
  };
}

/** Every Flux Kustomization's file and spec.path (without `./`). */
function readApplyingKustomizations(lookup: DocumentLookup): { file: string; path: string }[] {
  const applying: { file: string; path: string }[] = [];
  for (const file of lookup.filesContaining('kustomize.toolkit.fluxcd.io', 'Kustomization')) {
    for (const document of file.documents) {
      const { kind, apiVersion } = resourceKind(document);
      if (kind !== 'Kustomization' || !apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
      const path = (stringAt(document, document.contents, 'spec', 'path') ?? '')
        .replace(/^\.?\/+/, '')
        .replace(/\/+$/, '');
      if (path !== '' && path !== '.') applying.push({ file: file.path, path });
    }
  }
  return applying;
}

/**
 * Which same-named ConfigMap a Kustomization reads: Flux looks it up in the cluster it applies to, so
 * those applied from the Kustomization's own cluster root come first, then ConfigMaps no Kustomization
 * applies; the nearest by directory wins, and a tie is a warning naming the files.
 */
export function configMapFor(
  /** The Flux Kustomization that reads the ConfigMap. */
  source: { name: string; file: { path: string } },
  name: string,
  found: Pin[],
  lookup: DocumentLookup,
  clusterRootOf: ClusterRootOf,
): Pin | undefined {
  const root = clusterRootOf(source.file.path);
  const same = root === undefined ? [] : found.filter((pin) => clusterRootOf(pin.file) === root);
  const unplaced = found.filter((pin) => clusterRootOf(pin.file) === undefined);
  const candidates = root === undefined ? found : same.length > 0 ? same : unplaced;
  const nearest = nearestTo(source.file.path, candidates, (pin) => pin.file);
  const files = [...new Set(nearest.map((pin) => pin.file))].sort();
  if (files.length > 1)
    lookup.logger.warning(
      `ConfigMap ${name} read by Flux Kustomization ${source.name} is ambiguous: ${files.join(' and ')} are equally near${root ? ` in cluster ${root}` : ''}; using ${files[0]} — keep one per cluster, or give them different names`,
      { file: source.file.path },
    );
  const chosen = nearest.find((pin) => pin.file === files[0]);
  if (!chosen && found.length > 0)
    lookup.logger.warning(
      `ConfigMap ${name} read by Flux Kustomization ${source.name} is applied only from other clusters (${[...new Set(found.map((p) => p.file))].sort().join(', ')}), not from ${root ?? 'its cluster'}, where Flux looks it up`,
      { file: source.file.path },
    );
  return chosen;
}
