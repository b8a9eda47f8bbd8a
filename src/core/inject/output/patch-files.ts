// The files kustomizations apply as patches (strategic-merge or JSON6902): never workloads of their
// own, even when a patch document looks like one (a pod template with the sidecar's containers).
import { posix } from 'node:path';
import type { MeshBuild } from '../../mesh/model.js';
import { asArray, asRecord, asString } from '../../mesh/documents.js';
import { joinPath, normalizeRepoPath } from '../../mesh/repo-files.js';

export interface PatchReference {
  /** The kustomization file that lists the patch. */
  kustomization: string;
  field: 'patches' | 'patchesJson6902' | 'patchesStrategicMerge';
  index: number;
}

/** Per patch file (workspace-relative), the kustomization entries that apply it. */
export function patchReferences(build: MeshBuild): Map<string, PatchReference[]> {
  const kustomizations = new Set<string>();
  for (const root of build.rendered)
    for (const object of root.objects) for (const k of object.patchedIn) kustomizations.add(k);
  const out = new Map<string, PatchReference[]>();
  for (const kustomization of kustomizations) {
    const dir = posix.dirname(kustomization);
    const add = (ref: unknown, field: PatchReference['field'], index: number) => {
      const path = asString(ref) && normalizeRepoPath(joinPath(dir, asString(ref)!.trim()));
      if (path) out.set(path, [...(out.get(path) ?? []), { kustomization, field, index }]);
    };
    for (const doc of build.files.documents(kustomization)) {
      const body = asRecord(doc.value);
      if (!body || asString(body.apiVersion)?.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
      for (const field of ['patches', 'patchesJson6902'] as const)
        asArray(body[field]).forEach((entry, i) => add(asRecord(entry)?.path, field, i));
      asArray(body.patchesStrategicMerge).forEach((entry, i) => {
        if (typeof entry === 'string' && /^\s*[\w./-]+\.ya?ml\s*$/.test(entry))
          add(entry, 'patchesStrategicMerge', i);
      });
    }
  }
  return out;
}

export function kustomizePatchFiles(build: MeshBuild): Set<string> {
  return new Set(patchReferences(build).keys());
}
