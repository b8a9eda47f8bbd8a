// Maps a rendered object, and a field of it, back to the file, document and line that set it: the
// resource itself (inline), a patch beside it or in an overlay (strategic or JSON6902), or a Flux
// variable (to where the variable is defined).
import { posix } from 'node:path';
import { isScalar } from 'yaml';
import {
  asArray,
  asRecord,
  asString,
  lineAtPath,
  nodeAtPath,
  objectIdentity,
  parseDocuments,
  type PathStep,
  type SourceDocument,
} from './documents.js';
import { joinPath, normalizeRepoPath, type RepoFiles } from './repo-files.js';
import type { FieldSource, RenderedObject, RenderedRoot } from './types.js';

/** The document that declares `object` in its origin file; sets the object's source line to it. */
export function locateDocument(files: RepoFiles, object: RenderedObject): SourceDocument | undefined {
  if (!object.source) return undefined;
  const docs = files
    .documents(object.source.file)
    .filter((d) => objectIdentity(d.value)?.kind === object.kind);
  const named = (d: SourceDocument) => objectIdentity(d.value)!.name;
  const doc =
    docs.find((d) => named(d) === object.name) ??
    docs.find((d) => named(d) !== '' && object.name.includes(named(d))) ??
    (docs.length === 1 ? docs[0] : undefined);
  if (doc) object.source = { file: doc.file, line: doc.line };
  return doc;
}

/** Where the field at `path` of a rendered object was set; undefined when nothing in the repo says. */
export function traceField(
  files: RepoFiles,
  rendered: RenderedRoot,
  object: RenderedObject,
  path: readonly PathStep[],
): FieldSource | undefined {
  const reference = locateField(files, object, path);
  const before = object.unsubstituted ? valueAt(object.unsubstituted, path) : undefined;
  if (typeof before === 'string' && before.includes('${')) {
    const name = /\$\{#?([_a-zA-Z][_a-zA-Z0-9]*)/.exec(before)?.[1];
    const defined = name ? rendered.variables?.[name] : undefined;
    const where = defined?.source ?? reference ?? rendered.root.declaredBy?.source;
    if (where)
      return {
        file: where.file,
        line: where.line,
        origin: 'substituted',
        ...(name ? { variable: name } : {}),
        ...(reference ? { reference: { file: reference.file, line: reference.line } } : {}),
      };
  }
  return reference;
}

/** The field in the resource document, else in a patch kustomize applied to the object. */
function locateField(
  files: RepoFiles,
  object: RenderedObject,
  path: readonly PathStep[],
): FieldSource | undefined {
  const doc = locateDocument(files, object);
  const wanted = valueAt(object.unsubstituted ?? object.object, path);
  const helm = asString(asRecord(asRecord(asRecord(object.object.metadata)?.labels))?.['helm.sh/chart']);
  const inlineSource =
    doc && valueAt(doc.value, path) !== undefined
      ? inlineField(doc, path, helm ? 'helm-rendered' : 'inline')
      : undefined;
  // The resource sets the field as rendered: nothing later changed it.
  if (inlineSource && deepEqual(valueAt(doc!.value, path), wanted)) return inlineSource;
  const pointer = concretePath(object.unsubstituted ?? object.object, path);
  for (const kustomization of [...object.patchedIn].reverse()) {
    const found = inPatches(files, kustomization, object, path, pointer, wanted);
    if (found) {
      const originDir = object.source ? posix.dirname(object.source.file) : undefined;
      const nextToResource = posix.dirname(kustomization) === originDir;
      return { ...found, origin: nextToResource ? 'patch' : 'overlay' };
    }
  }
  return inlineSource;
}

/**
 * The field as the resource document sets it. Its line is looked up when first read: that needs the
 * file's syntax tree, which most runs never ask for (a document read fast has none until then).
 */
function inlineField(
  doc: SourceDocument,
  path: readonly PathStep[],
  origin: 'inline' | 'helm-rendered',
): FieldSource {
  let line: number | undefined;
  return {
    file: doc.file,
    get line() {
      return (line ??= lineAtPath(doc, path) ?? doc.line);
    },
    origin,
  };
}

interface PatchText {
  file: string;
  /** Added to a line within `text` to give the line in `file` (inline patches). */
  lineOffset: number;
  text: string;
}

/**
 * The patches a kustomization file applies (files and inline), or, for the declaration of a Flux
 * Kustomization (whose `spec.patches` the wrapper applied), the inline patches of its spec.
 */
function patchTexts(files: RepoFiles, kustomization: string): PatchText[] {
  const dir = posix.dirname(kustomization);
  const out: PatchText[] = [];
  for (const doc of files.documents(kustomization)) {
    const value = asRecord(doc.value);
    const flux = asString(value?.apiVersion)?.startsWith('kustomize.toolkit.fluxcd.io/') === true;
    const prefix = flux ? ['spec'] : [];
    const body = flux ? asRecord(value?.spec) : value;
    if (!body) continue;
    const fromFile = (ref: unknown) => {
      const path = asString(ref) && normalizeRepoPath(joinPath(dir, asString(ref)!));
      const text = path && !flux ? files.text(path) : undefined;
      if (path && text !== undefined) out.push({ file: path, lineOffset: 0, text });
    };
    const inline = (at: (string | number)[]) => {
      const node = nodeAtPath(doc, [...prefix, ...at]);
      if (isScalar(node) && typeof node.value === 'string' && node.range) {
        // A block scalar's content starts on the line after its `|` indicator.
        const line = doc.lineCounter.linePos(node.range[0]).line;
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
        out.push({ file: kustomization, lineOffset: block ? line : line - 1, text: node.value });
      }
    };
    for (const field of ['patches', 'patchesJson6902'] as const) {
      asArray(body[field]).forEach((entry, index) => {
        const record = asRecord(entry);
        if (record?.path !== undefined) fromFile(record.path);
        if (typeof record?.patch === 'string') inline([field, index, 'patch']);
      });
    }
    asArray(body.patchesStrategicMerge).forEach((entry, index) => {
      if (typeof entry === 'string' && /^\s*[\w./-]+\.ya?ml\s*$/.test(entry)) fromFile(entry);
      else if (typeof entry === 'string') inline(['patchesStrategicMerge', index]);
    });
    // A kustomization file holds one kustomization; only Flux declarations come several to a file.
    if (!flux) break;
  }
  return out;
}

function inPatches(
  files: RepoFiles,
  kustomization: string,
  object: RenderedObject,
  path: readonly PathStep[],
  pointer: (string | number)[] | undefined,
  wanted: unknown,
): { file: string; line: number } | undefined {
  for (const patch of patchTexts(files, kustomization)) {
    for (const doc of parseDocuments(patch.file, patch.text).documents) {
      const line = Array.isArray(doc.value)
        ? inJson6902(doc, pointer, wanted)
        : objectIdentity(doc.value)?.kind === object.kind || asRecord(doc.value)?.spec !== undefined
          ? lineAtPath(doc, path)
          : undefined;
      if (line !== undefined) return { file: patch.file, line: line + patch.lineOffset };
    }
  }
  return undefined;
}

/** The line of the JSON6902 operation (or the part of its value) that writes `wanted` at `pointer`. */
function inJson6902(
  doc: SourceDocument,
  pointer: (string | number)[] | undefined,
  wanted: unknown,
): number | undefined {
  if (!pointer) return undefined;
  const ops = doc.value as unknown[];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = asRecord(ops[i]);
    if (!op || (op.op !== 'add' && op.op !== 'replace')) continue;
    const target = (asString(op.path) ?? '')
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (target.length > pointer.length) continue;
    const prefixMatches = target.every((segment, k) => {
      const mine = pointer[k]!;
      if (typeof mine === 'number') return segment === '-' || /^\d+$/.test(segment);
      return segment === mine;
    });
    if (!prefixMatches) continue;
    const rest = pointer.slice(target.length);
    if (!deepEqual(valueAt(op.value, rest), wanted)) continue;
    return lineAtPath(doc, [i, 'value', ...rest]) ?? lineAtPath(doc, [i]);
  }
  return undefined;
}

/** The value at a path of plain data. */
export function valueAt(value: unknown, path: readonly PathStep[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'string') current = asRecord(current)?.[step];
    else if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = asArray(current).find((item) => asRecord(item)?.name === step.name);
    if (current === undefined) return undefined;
  }
  return current;
}

/** The path with `{name}` steps turned into list indexes, as JSON pointers need. */
function concretePath(value: unknown, path: readonly PathStep[]): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let current = value;
  for (const step of path) {
    if (typeof step === 'object') {
      const index = asArray(current).findIndex((item) => asRecord(item)?.name === step.name);
      if (index < 0) return undefined;
      out.push(index);
      current = asArray(current)[index];
    } else {
      out.push(step);
      current = typeof step === 'number' ? asArray(current)[step] : asRecord(current)?.[step];
    }
  }
  return out;
}

/** Equal as data: map key order does not matter (kustomize reorders keys). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  const ra = asRecord(a);
  const rb = asRecord(b);
  if (!ra || !rb) return false;
  const keys = Object.keys(ra);
  return keys.length === Object.keys(rb).length && keys.every((k) => deepEqual(ra[k], rb[k]));
}
