// The files kustomizations apply as patches (strategic-merge or JSON6902): never workloads of their
// own, even when a patch document looks like one (a pod template with the sidecar's containers).
import { posix } from 'node:path';
import type { MeshBuild } from '../../mesh/model.js';
import { asArray, asRecord, asString } from '../../mesh/documents.js';
import { joinPath, normalizeRepoPath } from '../../mesh/repo-files.js';

export function kustomizePatchFiles(build: MeshBuild): Set<string> {
  const kustomizations = new Set<string>();
  for (const root of build.rendered)
    for (const object of root.objects) for (const k of object.patchedIn) kustomizations.add(k);
  const out = new Set<string>();
  for (const kustomization of kustomizations) {
    const dir = posix.dirname(kustomization);
    const add = (ref: unknown) => {
      const path = asString(ref) && normalizeRepoPath(joinPath(dir, asString(ref)!.trim()));
      if (path) out.add(path);
    };
    for (const doc of build.files.documents(kustomization)) {
      const body = asRecord(doc.value);
      if (!body || asString(body.apiVersion)?.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
      for (const field of ['patches', 'patchesJson6902'])
        for (const entry of asArray(body[field])) add(asRecord(entry)?.path);
      for (const entry of asArray(body.patchesStrategicMerge))
        if (typeof entry === 'string' && /^\s*[\w./-]+\.ya?ml\s*$/.test(entry)) add(entry);
    }
  }
  return out;
}
