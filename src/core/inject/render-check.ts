// Before anything is written: the changed files are rendered as the cluster would get them (kustomize
// build and Flux substitution, through the mesh model, in a scratch copy of the repo), and every pod
// must carry at most one istio-proxy and break no mesh invariant the repo did not already break.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileFormatError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkMeshInvariants } from '../mesh/invariants.js';
import { buildMesh, gitRemoteUrls, type MeshBuild } from '../mesh/model.js';
import { rebuildMesh } from '../mesh/rebuild.js';
import type { MeshFinding } from '../mesh/types.js';
import { fastManifest, type ReadValues } from '../mesh/yaml-values.js';
import { isObject, objectsOf, parseManifest, podTemplateOf } from './workloads.js';

/** Findings that an injection can cause and that make the result unsafe to apply. */
const BLOCKING = new Set(['MESH001', 'MESH005']);

export interface RenderCheck {
  /** Pods rendered, and how many of them carry exactly one istio-proxy. */
  pods: number;
  withOneProxy: number;
  /** Proxy images of the rendered pods that carry one. */
  images: string[];
}

/**
 * Counts istio-proxy containers per pod template of a document istioctl returned; throws on two.
 * Returns the parsed document, and keeps it in `readValues` when the fast reader read it.
 */
export function assertOneProxy(body: string, file: string, line: number, readValues?: ReadValues): unknown {
  const fast = fastManifest(body);
  const parsed = fast ? fast.value : parseManifest(body);
  for (const object of objectsOf(parsed)) {
    const template = podTemplateOf(object);
    if (!template) continue;
    const count = proxyCount(template.spec);
    if (count > 1)
      throw new FileFormatError(
        `the injected pod template would have ${count} istio-proxy containers (one in initContainers, one in containers?)`,
        {
          file,
          line,
          hint: 'Nothing was written. Keep the sidecar mode the workload has (native-sidecars), or remove the stale istio-proxy by hand.',
        },
      );
  }
  if (fast && readValues) readValues.keep(body, parsed);
  return parsed;
}

function proxyCount(spec: Record<string, unknown>): number {
  return ['initContainers', 'containers']
    .flatMap((list) => (Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []))
    .filter((c) => isObject(c) && c['name'] === 'istio-proxy').length;
}

const findingKey = (f: MeshFinding) => `${f.code} ${f.cluster} ${f.origin}`;

/**
 * Renders the repo as it would be after `changes` and checks it. `before` is the model of the repo as
 * it is (findings it already has are not this run's doing); only the roots that render a changed file
 * are rendered again when the changes allow it (mesh/rebuild.ts), else the whole repo. Returns the
 * check and the model after the changes.
 */
export async function checkRenderedResult(
  workspace: string,
  changes: readonly { path: string; content: string | null }[],
  before: MeshBuild | undefined,
  logger: Logger,
  readValues?: ReadValues,
): Promise<{ check: RenderCheck; after: MeshBuild }> {
  const scratch = mkdtempSync(join(tmpdir(), 'inject-render-check-'));
  try {
    cpSync(workspace, scratch, {
      recursive: true,
      filter: (source) => !/[/\\](\.git|node_modules)$/.test(source),
    });
    // The model takes what is written here as read, instead of reading it back (one copy of it).
    const written = new Map<string, string>();
    for (const change of changes) {
      const target = join(scratch, change.path);
      mkdirSync(dirname(target), { recursive: true });
      if (change.content === null) rmSync(target, { force: true });
      else {
        writeFileSync(target, change.content);
        written.set(change.path, change.content);
      }
    }
    const options = {
      logger: quiet(logger),
      repositoryUrls: gitRemoteUrls(workspace),
      written,
      ...(readValues ? { readValues } : {}),
    };
    const paths = changes.map((c) => c.path);
    const after =
      (before ? await rebuildMesh(before, scratch, paths, options) : undefined) ??
      (await buildMesh(scratch, options));
    after.files.forgetParsed();
    const known = new Set(before ? checkMeshInvariants(before.model).map(findingKey) : []);
    const fresh = checkMeshInvariants(after.model).filter((f) => !known.has(findingKey(f)));
    const blocking = fresh.filter((f) => BLOCKING.has(f.code));
    for (const f of fresh.filter((f) => !BLOCKING.has(f.code)))
      logger.warning(`after injection, ${f.code} ${f.origin}: ${f.message}`, {
        ...(f.file ? { file: f.file } : {}),
        ...(f.line ? { line: f.line } : {}),
      });
    if (blocking.length > 0) {
      const first = blocking[0]!;
      throw new FileFormatError(
        `the rendered result breaks ${blocking.length} mesh invariant(s): ${blocking
          .slice(0, 3)
          .map((f) => `${f.code} ${f.origin}: ${f.message}`)
          .join('; ')}`,
        { file: first.file, line: first.line, hint: `Nothing was written. ${first.hint}` },
      );
    }
    let pods = 0;
    let withOneProxy = 0;
    const images: string[] = [];
    for (const cluster of after.model.clusters)
      for (const workload of cluster.workloads) {
        if (workload.sidecar.state === 'none') continue;
        pods++;
        if (workload.sidecar.count === 1) withOneProxy++;
        if (workload.sidecar.image) images.push(workload.sidecar.image);
      }
    return { check: { pods, withOneProxy, images }, after };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The scratch render repeats what the first model logged; keep only its warnings. */
function quiet(logger: Logger): Logger {
  return { ...logger, info: () => {}, notice: () => {}, debug: () => {} };
}
