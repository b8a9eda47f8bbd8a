// Renders each root with the real `kustomize build` (in parallel, bounded by the CPUs) through a
// throwaway kustomization that adds Flux's spec fields and kustomize's origin annotations, strips
// those annotations again, and reads plain roots as they are.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { describeError } from '../errors.js';
import { readBuildOutput } from './build-output.js';
import { asRecord, objectIdentity } from './documents.js';
import { kustomizeBuild, mapBounded, type Kustomize } from './kustomize.js';
import { normalizeRepoPath, type RepoFiles } from './repo-files.js';
import { isRemoteReference, kustomizationReferences } from './roots.js';
import type { MeshRoot, RenderedObject, RenderedRoot } from './types.js';

export interface RenderOptions {
  /** Needed when any root has a kustomization. */
  kustomize?: Kustomize;
  /** Default: the CPUs this process may use. */
  concurrency?: number;
  timeoutMs?: number;
}

/** Renders every root; a root that fails is reported in its warnings and renders nothing. */
export async function renderRoots(
  files: RepoFiles,
  roots: readonly MeshRoot[],
  options: RenderOptions,
): Promise<RenderedRoot[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'autopilot-mesh-'));
  // One wrapper directory per build in flight, reused: a directory per root cost more to make and
  // remove than the parse of its output.
  const freeDirs: string[] = [];
  let madeDirs = 0;
  const nextDir = () => {
    const dir = join(scratch, String(madeDirs++));
    mkdirSync(dir);
    return dir;
  };
  try {
    const workspace = realpathSync(files.root);
    const concurrency = options.concurrency ?? availableParallelism();
    return await mapBounded(roots, concurrency, async (root) => {
      const plain = root.kustomization ? undefined : renderPlain(files, root);
      const dirs = root.kustomization ? [root.path] : (root.nested ?? []);
      if (dirs.length === 0) return plain!;
      const wrapperDir = freeDirs.pop() ?? nextDir();
      try {
        const built = await renderKustomization(files, workspace, root, dirs, wrapperDir, options);
        return plain ? { ...built, objects: [...plain.objects, ...built.objects] } : built;
      } catch (error) {
        return failed(root, describeError(error).split('\n')[0]!, files.kustomizationIn(root.path));
      } finally {
        freeDirs.push(wrapperDir);
      }
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function failed(root: MeshRoot, message: string, file?: string): RenderedRoot {
  const where = root.declaredBy?.source ?? { file: file ?? root.path };
  return { root, objects: [], rendered: false, warnings: [{ ...where, message }] };
}

function renderPlain(files: RepoFiles, root: MeshRoot): RenderedRoot {
  const objects: RenderedObject[] = [];
  for (const file of root.files ?? []) {
    for (const doc of files.documents(file)) {
      const id = objectIdentity(doc.value);
      if (!id) continue;
      objects.push({
        ...id,
        object: doc.value as Record<string, unknown>,
        root: root.id,
        source: { file, line: doc.line },
        patchedIn: [],
      });
    }
  }
  return { root, objects, rendered: true, warnings: [] };
}

async function renderKustomization(
  files: RepoFiles,
  workspace: string,
  root: MeshRoot,
  dirs: readonly string[],
  wrapperDir: string,
  options: RenderOptions,
): Promise<RenderedRoot> {
  const remote = dirs.flatMap((dir) => remoteReferences(files, dir));
  if (remote.length > 0)
    return failed(
      root,
      `${root.path} pulls ${remote[0]} from the network; remote bases are not rendered (vendor them into the repository)`,
    );
  const toDirs = dirs.map((dir) => relative(wrapperDir, resolve(workspace, dir)).split(sep).join('/'));
  const wrapper = join(wrapperDir, 'kustomization.yaml');
  // A new file, not the last build's truncated: ext4 flushes a file rewritten over its old blocks
  // when it is closed (auto_da_alloc), which blocked the event loop for milliseconds per root.
  rmSync(wrapper, { force: true });
  writeFileSync(wrapper, wrapperKustomization(root, toDirs));
  if (!options.kustomize) throw new Error('kustomize was not located before rendering a kustomization');
  const { stdout } = await kustomizeBuild(options.kustomize, wrapperDir, {
    timeoutMs: options.timeoutMs,
    shownAs: root.path,
  });
  const toWorkspace = (p: string) => fromWrapper(workspace, wrapperDir, p, root);
  const { objects, problems } = readBuildOutput(stdout, toWorkspace);
  return {
    root,
    objects: objects.map((object) => Object.assign(object, { root: root.id })),
    rendered: true,
    warnings: problems.map((message) => ({ file: root.path, message })),
  };
}

/** The throwaway kustomization: the root, Flux's own kustomize-like fields, and origin annotations. */
export function wrapperKustomization(root: MeshRoot, toDirs: readonly string[]): string {
  const flux = root.flux;
  const toRoot = toDirs[0]!;
  const body: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...toDirs],
    buildMetadata: ['originAnnotations', 'transformerAnnotations'],
  };
  if (flux?.targetNamespace) body.namespace = flux.targetNamespace;
  if (flux?.namePrefix) body.namePrefix = flux.namePrefix;
  if (flux?.nameSuffix) body.nameSuffix = flux.nameSuffix;
  if (flux && flux.patches.length > 0) body.patches = flux.patches;
  if (flux && flux.images.length > 0) body.images = flux.images;
  if (flux && flux.components.length > 0) body.components = flux.components.map((c) => posix.join(toRoot, c));
  // JSON is YAML, and kustomize reads it as such; stringifying YAML cost more than the build's parse.
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** A path kustomize printed relative to the wrapper, as a workspace path; the wrapper is the root's declaration. */
function fromWrapper(
  workspace: string,
  wrapperDir: string,
  path: string,
  root: MeshRoot,
): string | undefined {
  const absolute = resolve(wrapperDir, path);
  if (absolute === join(wrapperDir, 'kustomization.yaml')) return root.declaredBy?.source.file;
  const rel = relative(workspace, absolute).split(sep).join('/');
  return normalizeRepoPath(rel);
}

/** Remote references anywhere in the kustomization tree under `dir`. */
function remoteReferences(files: RepoFiles, dir: string): string[] {
  const seen = new Set<string>();
  const remote: string[] = [];
  const visit = (current: string) => {
    if (seen.has(current)) return;
    seen.add(current);
    const kustomization = files.kustomizationIn(current);
    if (!kustomization) return;
    const body = asRecord(files.documents(kustomization)[0]?.value) ?? {};
    for (const field of ['resources', 'bases', 'components']) {
      const entries = body[field];
      for (const ref of Array.isArray(entries) ? entries : []) {
        if (typeof ref === 'string' && isRemoteReference(ref)) remote.push(ref);
      }
    }
    for (const ref of kustomizationReferences(files, kustomization)) if (files.isDirectory(ref)) visit(ref);
  };
  visit(dir);
  return remote;
}
