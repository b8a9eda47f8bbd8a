// Reads istioctl kube-inject's output: splits the stream back into one document per input document
// and scans its canonical YAML (sorted keys, two-space indent) for identity and sidecar facts without a
// full YAML parse, which would cost more than the injection itself at thousands of workloads.
import type { Sidecar } from './workloads.js';

/**
 * kube-inject writes each input document followed by a `---` line. Re-serialised documents are Go YAML,
 * where a column-0 `---` cannot occur inside a document (block scalars are indented).
 */
export function splitInjectOutput(output: string): string[] {
  const documents: string[] = [];
  let start = 0;
  const separator = /^---[ \t]*$/gm;
  for (let match = separator.exec(output); match; match = separator.exec(output)) {
    documents.push(output.slice(start, match.index));
    start = match.index + match[0].length + 1;
  }
  const rest = output.slice(start);
  if (rest.trim() !== '') documents.push(rest);
  return documents;
}

/** A scalar as Go YAML writes it: plain, 'single' ('' escapes) or "double" (JSON-like escapes). */
export function unquoteScalar(text: string): string {
  const value = text.trim();
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2)
    return value.slice(1, -1).replace(/''/g, "'");
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  return value;
}

export interface OutputFacts {
  kind?: string;
  name?: string;
  namespace?: string;
  /** The status annotations found (one per injected pod template). */
  statuses: string[];
  sidecar?: Sidecar;
}

/** Identity and sidecar facts of one re-serialised (non-List) output document. */
export function scanOutputDocument(text: string): OutputFacts {
  const lines = text.split('\n');
  const facts: OutputFacts = { statuses: [] };
  let inMetadata = false;
  const proxyImages: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith(' ')) {
      inMetadata = line === 'metadata:';
      const kind = /^kind: (.+)$/.exec(line);
      if (kind) facts.kind = unquoteScalar(kind[1]!);
      continue;
    }
    if (inMetadata) {
      const field = /^ {2}(name|namespace): (.+)$/.exec(line);
      if (field) facts[field[1] as 'name' | 'namespace'] = unquoteScalar(field[2]!);
    }
    const status = /^\s+sidecar\.istio\.io\/status: (.+)$/.exec(line);
    if (status) facts.statuses.push(unquoteScalar(status[1]!));
    const proxyName = /^(\s*)(- )?name: istio-proxy$/.exec(line);
    if (proxyName) {
      const image = containerImage(lines, i, proxyName[1]!.length + (proxyName[2] ? 2 : 0));
      if (image) proxyImages.push(image);
    }
  }
  const lastStatus = facts.statuses.at(-1);
  if (lastStatus !== undefined) {
    let revision: string | undefined;
    try {
      const parsed = JSON.parse(lastStatus) as { revision?: unknown };
      if (typeof parsed.revision === 'string' && parsed.revision !== '') revision = parsed.revision;
    } catch {
      revision = undefined;
    }
    facts.sidecar = {
      ...(revision ? { revision } : {}),
      ...(proxyImages[0] ? { proxyImage: proxyImages[0] } : {}),
    };
  }
  return facts;
}

/** The `image:` of the list item whose keys sit at column `keyColumn` and that holds line `at`. */
function containerImage(lines: string[], at: number, keyColumn: number): string | undefined {
  const keyIndent = ' '.repeat(keyColumn);
  const itemStart = `${' '.repeat(keyColumn - 2)}- `;
  const imageLine = (line: string): string | undefined => {
    const match = /^(?:- | {2})image: (.+)$/.exec(line.slice(keyColumn - 2));
    return match && (line.startsWith(keyIndent) || line.startsWith(itemStart))
      ? unquoteScalar(match[1]!)
      : undefined;
  };
  // Keys are sorted, so `image` comes before `name`: walk back to the item's `- ` line.
  for (let i = at; i >= 0; i--) {
    const line = lines[i]!;
    const image = imageLine(line);
    if (image) return image;
    if (line.startsWith(itemStart)) break;
    if (!line.startsWith(keyIndent) && !line.startsWith(itemStart)) break;
  }
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(itemStart) || !line.startsWith(keyIndent)) break;
    const image = imageLine(line);
    if (image) return image;
  }
  return undefined;
}

/**
 * Kind, name and namespace of a block-style source document by scanning its lines, or undefined when the
 * document is not plain enough to be sure (flow style, anchors, tags, odd indentation): then parse it.
 */
export function quickIdentity(body: string): { kind: string; name: string; namespace?: string } | undefined {
  let kind: string | undefined;
  let name: string | undefined;
  let namespace: string | undefined;
  let inMetadata = false;
  let childIndent: number | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || /^\s*#/.test(line)) continue;
    if (!/^\s/.test(line)) {
      inMetadata = false;
      const top = /^(kind|metadata):(.*)$/.exec(line);
      if (!top) continue;
      const value = plainValue(top[2]!);
      if (value === undefined) return undefined;
      if (top[1] === 'kind') kind = value;
      else if (value !== '')
        return undefined; // flow-style metadata
      else inMetadata = true;
      continue;
    }
    if (!inMetadata) continue;
    const indent = /^ */.exec(line)![0].length;
    childIndent ??= indent;
    if (indent !== childIndent) continue;
    const field = /^ *(name|namespace):(.*)$/.exec(line);
    if (!field) continue;
    const value = plainValue(field[2]!);
    if (value === undefined || value === '') return undefined;
    if (field[1] === 'name') name = value;
    else namespace = value;
  }
  if (kind === undefined || name === undefined) return undefined;
  return { kind, name, ...(namespace !== undefined ? { namespace } : {}) };
}

/** A simple scalar after `key:` (quotes and a trailing comment removed); undefined for anything fancy. */
function plainValue(rest: string): string | undefined {
  const text = rest.replace(/\s+#.*$/, '').trim();
  if (text === '') return '';
  if (/^['"]/.test(text)) return /^(['"]).*\1$/.test(text) ? unquoteScalar(text) : undefined;
  if (/^[&*!{[|>]/.test(text)) return undefined;
  return text;
}
