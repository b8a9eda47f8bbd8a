// Reads what `kustomize build` printed through the wrapper kustomization: the objects, each with the
// file it came from and the patch files that changed it (kustomize's origin and transformer
// annotations, removed again), parsed lazily where kustomize's plain layout allows.
import { parse, parseAllDocuments } from 'yaml';
import { asRecord, asString, objectIdentity } from './documents.js';
import type { RenderedObject } from './types.js';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

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
  const read = { objects: [] as BuiltObject[], problems: [] as string[] };
  if (options.lazy === false || UNUSUAL_OUTPUT.test(stdout)) {
    readEagerly(stdout, toWorkspace, read);
    return read;
  }
  for (const text of stdout.split(DOCUMENT_SEPARATOR)) {
    const head = headOf(text);
    if (!head) {
      readEagerly(text, toWorkspace, read);
      continue;
    }
    const object = lazyObject(text, head, toWorkspace);
    if (object) read.objects.push(object);
  }
  return read;
}

/** Each document parsed whole, now. */
function readEagerly(
  text: string,
  toWorkspace: (path: string) => string | undefined,
  read: { objects: BuiltObject[]; problems: string[] },
): void {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      read.problems.push(
        `kustomize printed YAML that does not parse: ${doc.errors[0]!.message.split('\n')[0]}`,
      );
      continue;
    }
    const value = asRecord(doc.toJS() as unknown);
    const id = value && objectIdentity(value);
    if (!value || !id) continue;
    const { origin, patchedIn } = takeBuildAnnotations(value, toWorkspace);
    read.objects.push({
      ...id,
      object: value,
      ...(origin ? { source: { file: origin, line: 1 } } : {}),
      patchedIn,
    });
  }
}

/** The object of one document from its head, the whole parsed the first time `object` is read. */
function lazyObject(
  text: string,
  head: Record<string, unknown>,
  toWorkspace: (path: string) => string | undefined,
): BuiltObject | undefined {
  const id = objectIdentity(head);
  if (!id) return undefined;
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
  return object;
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
