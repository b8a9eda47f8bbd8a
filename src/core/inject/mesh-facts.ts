// The few facts of the mesh model that injection reads (control planes' values, namespaces' labels,
// where each workload document renders), as plain data that can be kept between runs, keyed by a
// fingerprint of every file of the repo (ADR 0013, amendment r4-a).
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import { locateKustomize } from '../mesh/kustomize.js';
import {
  controlPlaneNamespaces,
  injectionValuesFor,
  type InjectionValues,
} from '../mesh/injection-values.js';
import { gitRemoteUrls, type MeshBuild } from '../mesh/model.js';
import type { MeshNamespace } from '../mesh/types.js';
import { listWorkspaceFiles } from '../workspace/files.js';
import { fileDigest } from './injection-cache.js';
import { kustomizePatchFiles } from './output/patch-files.js';
import { revisionVersion } from './revisions.js';

/** Bumped when what the facts hold, or how they are derived, changes. */
const FACTS_FORMAT = 2;

export interface MeshFacts {
  /** The values of each revision and tag a control plane defines, and of `default`. */
  valuesByRevision: Record<string, InjectionValues | null>;
  controlPlaneNamespaces: string[];
  namespaces: MeshNamespace[];
  /** Per document (`file:line`): the namespaces its workloads render into. */
  namespacesBySource: Record<string, string[]>;
  /** Per document (`file:line`): where its sidecar lives (inline, patch, overlay, helm-rendered). */
  origins: Record<string, string>;
  /** Control plane revisions, and tags with the revision each points at. */
  planes: string[];
  tags: [string, string][];
  /** Whether a sidecar comes from a patch or overlay file (the JSON6902 step needs the whole model). */
  patchedSidecars: boolean;
  /** Files kustomizations apply as patches: never workloads of their own. */
  patchFiles: string[];
  /** The Istio version of each revision whose control planes agree on one. */
  revisionVersions: Record<string, string>;
}

/** The facts of a built model. */
export function factsOf(build: MeshBuild): MeshFacts {
  const { model } = build;
  const namespacesBySource: Record<string, string[]> = {};
  const origins: Record<string, string> = {};
  let patchedSidecars = false;
  for (const cluster of model.clusters)
    for (const workload of cluster.workloads) {
      const origin = workload.sidecar.origin;
      if (origin === 'patch' || origin === 'overlay') patchedSidecars = true;
      if (!workload.source) continue;
      const key = `${workload.source.file}:${workload.source.line}`;
      const seen = (namespacesBySource[key] ??= []);
      if (!seen.includes(workload.namespace)) seen.push(workload.namespace);
      if (origin && !(key in origins)) origins[key] = origin;
    }
  const namespaces = new Map<string, MeshNamespace>();
  for (const cluster of model.clusters)
    for (const ns of cluster.namespaces) if (!namespaces.has(ns.name)) namespaces.set(ns.name, ns);
  const planes = new Set<string>();
  const tags = new Map<string, string>();
  for (const cluster of model.clusters)
    for (const plane of cluster.controlPlanes) {
      planes.add(plane.revision);
      for (const tag of plane.tags) if (!tags.has(tag)) tags.set(tag, plane.revision);
    }
  const valuesByRevision: Record<string, InjectionValues | null> = {};
  for (const name of new Set(['default', ...planes, ...tags.keys()]))
    valuesByRevision[name] = injectionValuesFor(model, name) ?? null;
  return {
    valuesByRevision,
    controlPlaneNamespaces: [...controlPlaneNamespaces(model)],
    namespaces: [...namespaces.values()],
    namespacesBySource,
    origins,
    planes: [...planes],
    tags: [...tags.entries()],
    patchedSidecars,
    patchFiles: [...kustomizePatchFiles(build)],
    revisionVersions: Object.fromEntries(
      [...planes].flatMap((name) => {
        const version = revisionVersion(model, name);
        return version ? [[name, version]] : [];
      }),
    ),
  };
}

/**
 * A hash of everything the model is built from: every file of the workspace (git's listing, so
 * ignored files are out) by content, the git remotes, which kustomize renders, and this code itself.
 * Equal fingerprints give equal facts.
 */
export function repoFingerprint(workspace: string, cacheDir: string, logger: Logger): string {
  const hash = createHash('sha256');
  const part = (value: string | Buffer) =>
    hash.update(typeof value === 'string' ? `${value.length}:${value}` : value);
  part(`facts-format=${FACTS_FORMAT}`);
  part(codeDigest(cacheDir));
  part(kustomizeIdentity(cacheDir));
  part(gitRemoteUrls(workspace).join('\n'));
  for (const path of listWorkspaceFiles(workspace, { patterns: ['**/*'], logger })) {
    part(path);
    const absolute = join(workspace, path);
    const stats = lstatSync(absolute, { throwIfNoEntry: false });
    if (stats?.isSymbolicLink()) part(`link:${readlinkSync(absolute)}`);
    else if (stats?.isFile()) part(createHash('sha256').update(readFileSync(absolute)).digest('hex'));
    else part('missing');
  }
  return hash.digest('hex');
}

function kustomizeIdentity(cacheDir: string): string {
  try {
    const kustomize = locateKustomize();
    return `${kustomize.description} ${fileDigest(cacheDir, kustomize.command)}`;
  } catch {
    return 'no kustomize';
  }
}

/** The running bundle (or module): facts derived by other code are never reused. */
function codeDigest(cacheDir: string): string {
  try {
    return fileDigest(cacheDir, fileURLToPath(import.meta.url));
  } catch {
    return 'unknown code';
  }
}
