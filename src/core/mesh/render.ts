// Renders each root with the real `kustomize build` (in parallel, bounded by the CPUs) through a
// throwaway kustomization that adds Flux's spec fields and kustomize's origin annotations, strips
// those annotations again, and reads plain roots as they are.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describeError } from '../errors.js';
import { asRecord, asString, objectIdentity } from './documents.js';
import { kustomizeBuild, mapBounded, type Kustomize } from './kustomize.js';
import { normalizeRepoPath, type RepoFiles } from './repo-files.js';
import { isRemoteReference, kustomizationReferences } from './roots.js';
import type { MeshRoot, RenderedObject, RenderedRoot } from './types.js';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

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

/** A rendered object before it is given its root. */
type BuiltObject = Omit<RenderedObject, 'root'>;

/**
 * The objects of kustomize's output. Their identity and build annotations are read at once from the
 * head of each document (its apiVersion, kind and metadata entries, parsed alone); the whole object is
 * parsed the first time `object` is read, so kinds the model never looks into cost no full parse.
 * A document whose layout is not kustomize's plain block mapping is parsed whole at once, as is all
 * of the output with `lazy: false` (the tests compare the two).
 */
export function readBuildOutput(
  stdout: string,
  toWorkspace: (path: string) => string | undefined,
  options: { lazy?: boolean } = {},
): { objects: BuiltObject[]; problems: string[] } {
  const objects: BuiltObject[] = [];
  const problems: string[] = [];
  const eager = (text: string) => {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        problems.push(`kustomize printed YAML that does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
        continue;
      }
      const value = asRecord(doc.toJS() as unknown);
      const id = value && objectIdentity(value);
      if (!value || !id) continue;
      const { origin, patchedIn } = takeBuildAnnotations(value, toWorkspace);
      objects.push({
        ...id,
        object: value,
        ...(origin ? { source: { file: origin, line: 1 } } : {}),
        patchedIn,
      });
    }
  };
  if (options.lazy === false || UNUSUAL_OUTPUT.test(stdout)) {
    eager(stdout);
    return { objects, problems };
  }
  for (const text of stdout.split(DOCUMENT_SEPARATOR)) {
    const head = headOf(text);
    if (!head) {
      eager(text);
      continue;
    }
    const id = objectIdentity(head);
    if (!id) continue;
    const { origin, patchedIn } = takeBuildAnnotations(head, toWorkspace);
    let whole: Record<string, unknown> | undefined;
    // Keys in the eager parse's order (identity, object, source, patchedIn), so both serialise alike.
    const object = { ...id } as BuiltObject;
    Object.defineProperty(object, 'object', {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!whole) {
          try {
            whole = asRecord(parse(text) as unknown) ?? {};
          } catch {
            // Kustomize printed it from a parsed object, so this does not happen; keep what the head said.
            whole = structuredClone(head);
          }
          takeBuildAnnotations(whole, () => undefined);
        }
        return whole;
      },
      set: (value: Record<string, unknown>) => {
        whole = value;
      },
    });
    if (origin) object.source = { file: origin, line: 1 };
    object.patchedIn = patchedIn;
    objects.push(object);
  }
  return { objects, problems };
}

/** kyaml's writer puts a `---` line between documents, and never one inside a document's content. */
const DOCUMENT_SEPARATOR = /^---[ \t]*(?:\n|$)/m;
/** Directives, document ends or a tab at a line's start: not kustomize's plain layout, parse it all. */
const UNUSUAL_OUTPUT = /^(?:%|\.\.\.(?:[ \t]|$)|\t)/m;
/** A top-level key of a block mapping: in kustomize's output, the only lines that start in column 0. */
const TOP_LEVEL_KEY = /^([A-Za-z_][\w.-]*):(?:[ \t]|\r?\n|$)/;
const HEAD_KEYS = ['apiVersion', 'kind', 'metadata'];

/**
 * The document's apiVersion, kind and metadata entries, parsed on their own. Undefined when a line in
 * column 0 is anything but a plain key or a comment, a key repeats, or the head does not parse alone
 * (an alias to an anchor further down): then the caller parses the whole document.
 */
function headOf(text: string): Record<string, unknown> | undefined {
  const entries = new Map<string, { start: number; end: number }>();
  let current: { start: number; end: number } | undefined;
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    const first = text[start];
    // Kustomize prints a top-level key's list in column 0 too (`rules:` then `- apiGroups:`).
    const listItem = first === '-' && (text[start + 1] === ' ' || text[start + 1] === '\n');
    if (listItem && !current) return undefined;
    if (!listItem && first !== ' ' && first !== '\n' && first !== '\r' && first !== '#') {
      const key = TOP_LEVEL_KEY.exec(text.slice(start, Math.min(end, start + 200)))?.[1];
      if (!key || entries.has(key)) return undefined;
      current = { start, end };
      entries.set(key, current);
    } else if (!current && first !== '#' && text.slice(start, end).trim() !== '') {
      return undefined;
    }
    if (current) current.end = end;
    start = end;
  }
  const head = HEAD_KEYS.map((key) => entries.get(key))
    .filter((range) => range !== undefined)
    .map(({ start, end }) => {
      const slice = text.slice(start, end);
      return slice.endsWith('\n') ? slice : `${slice}\n`;
    })
    .join('');
  try {
    return asRecord(parse(head) as unknown);
  } catch {
    return undefined;
  }
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

/** Removes the annotations the wrapper asked for, returning what they said. */
function takeBuildAnnotations(
  object: Record<string, unknown>,
  toWorkspace: (path: string) => string | undefined,
): { origin?: string; patchedIn: string[] } {
  const metadata = asRecord(object.metadata);
  const annotations = asRecord(metadata?.annotations);
  if (!metadata || !annotations) return { patchedIn: [] };
  const originText = asString(annotations[ORIGIN_ANNOTATION]);
  const transformations = asString(annotations[TRANSFORMATIONS_ANNOTATION]);
  delete annotations[ORIGIN_ANNOTATION];
  delete annotations[TRANSFORMATIONS_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const originPath = originText && originPathOf(originText);
  const patchedIn = new Set<string>();
  if (transformations) {
    for (const entry of transformationsOf(transformations)) {
      if (/Patch/.test(entry.by)) {
        const path = toWorkspace(entry.configuredIn);
        if (path) patchedIn.add(path);
      }
    }
  }
  const origin = originPath ? toWorkspace(originPath) : undefined;
  return { ...(origin ? { origin } : {}), patchedIn: [...patchedIn] };
}

/**
 * Kustomize writes the origin annotation as `path: <plain path>` and maybe `repo:`/`ref:` lines. The
 * shortcut takes only a plain path with a slash (the wrapper's paths all are: `../…`), which YAML can
 * only read as that same string; anything else (quoted, escaped, generated) goes to the YAML parser.
 */
const PLAIN_PATH = '([\\w.+-]*/[\\w./@+-]*)';
const PLAIN_ORIGIN = new RegExp(`^path: ${PLAIN_PATH}\\n(?:(?:repo|ref): [\\w./@:+-]+\\n)*$`);

export function originPathOf(text: string): string | undefined {
  const plain = PLAIN_ORIGIN.exec(text);
  if (plain) return plain[1];
  return asString(asRecord(parse(text) as unknown)?.path);
}

/** One entry of the transformations annotation exactly as kustomize prints it, plain values only. */
const PLAIN_TRANSFORMATION = new RegExp(
  `- configuredIn: ${PLAIN_PATH}\\n {2}configuredBy:\\n {4}apiVersion: [\\w./-]+\\n {4}kind: ([\\w-]+)\\n(?: {4}name: [\\w.-]+\\n)?`,
  'y',
);

/** The entries of the transformations annotation: read by a pattern when it is all plain, else parsed. */
export function transformationsOf(text: string): { configuredIn: string; by: string }[] {
  const entries: { configuredIn: string; by: string }[] = [];
  PLAIN_TRANSFORMATION.lastIndex = 0;
  for (let m = PLAIN_TRANSFORMATION.exec(text); m; m = PLAIN_TRANSFORMATION.exec(text)) {
    entries.push({ configuredIn: m[1]!, by: m[2]! });
    if (PLAIN_TRANSFORMATION.lastIndex === text.length) return entries;
  }
  entries.length = 0;
  const list = parse(text) as unknown;
  for (const entry of Array.isArray(list) ? list : []) {
    const configuredIn = asString(asRecord(entry)?.configuredIn);
    const by = asString(asRecord(asRecord(entry)?.configuredBy)?.kind) ?? '';
    if (configuredIn) entries.push({ configuredIn, by });
  }
  return entries;
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
