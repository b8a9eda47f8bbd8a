// How installers combine values: maps deep-merge, lists and scalars are replaced, later layers win;
// and Helm's `--set path=value` form, which Flux `targetPath` and Argo CD `parameters` both use.

export type Values = Record<string, unknown>;

export function isValuesMap(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy, so a merged result never shares a map or list with a layer. */
export function cloneValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneValues(item)) as T;
  if (isValuesMap(value)) {
    const copy: Values = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneValues(item);
    return copy as T;
  }
  return value;
}

/**
 * `overlay` on top of `base`: a map merges into a map, anything else replaces (Helm's MergeMaps, which
 * Flux and `helm -f a -f b` use). A `null` in the overlay is kept: Helm drops that key from the
 * chart's defaults later, and the layers here never hold chart defaults.
 */
export function mergeValues(base: Values, overlay: Values): Values {
  const out = cloneValues(base);
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isValuesMap(value) && isValuesMap(current) ? mergeValues(current, value) : cloneValues(value);
  }
  return out;
}

/** All layers, lowest precedence first. */
export function mergeLayers(layers: readonly { values: Values }[]): Values {
  return layers.reduce<Values>((merged, layer) => mergeValues(merged, layer.values), {});
}

/** The value at a key path of maps, or undefined. */
export function valueAt(values: unknown, ...keys: string[]): unknown {
  let current = values;
  for (const key of keys) {
    if (!isValuesMap(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Helm's strvals refuses list indices above this; a hostile `a[999999999]` must not allocate. */
const MAX_INDEX = 65536;

interface PathSegment {
  key: string;
  /** `list[2]`: the index into the list at `key`; undefined for a plain key. */
  index?: number;
}

/** `a.b\.c[1].d` -> a, b.c[1], d; a backslash escapes the next character. */
function parseSetPath(path: string): PathSegment[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char === '\\' && i + 1 < path.length) {
      current += path[++i];
    } else if (char === '.') {
      tokens.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  tokens.push(current);
  const segments: PathSegment[] = [];
  for (const token of tokens) {
    const match = /^(.*?)((?:\[\d+\])+)$/.exec(token);
    if (!match) {
      segments.push({ key: token });
      continue;
    }
    const indices = [...match[2]!.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    if (indices.some((index) => index > MAX_INDEX)) {
      throw new Error(`'${path}' indexes a list beyond ${MAX_INDEX}, which Helm refuses`);
    }
    segments.push({ key: match[1]!, index: indices[0] });
    for (const index of indices.slice(1)) segments.push({ key: '', index });
  }
  if (segments.some((s) => s.key === '' && s.index === undefined)) {
    throw new Error(`'${path}' is not a Helm --set path (an empty key between dots)`);
  }
  return segments;
}

/** Helm's --set typing: true/false/null and integers become typed, the rest stays a string. */
function typedValue(text: string, forceString: boolean): unknown {
  if (forceString) return text;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (/^null$/i.test(text)) return null;
  if (text === '0' || /^-?[1-9]\d*$/.test(text)) {
    const number = Number(text);
    if (Number.isSafeInteger(number)) return number;
  }
  return text;
}

function splitUnescaped(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) current += text[++i];
    else if (char === ',') {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** A --set value: `{a,b}` is a list; `\,` is a literal comma. */
export function parseSetValue(text: string, forceString = false): unknown {
  if (text.startsWith('{') && text.endsWith('}')) {
    const inner = text.slice(1, -1);
    return inner === '' ? [] : splitUnescaped(inner).map((item) => typedValue(item, forceString));
  }
  return typedValue(splitUnescaped(text).join(','), forceString);
}

/** Sets `value` at a --set path, creating maps and padding lists with nulls as Helm does. */
export function setValuePath(values: Values, path: string, value: unknown): void {
  const segments = parseSetPath(path);
  let container: Values | unknown[] = values;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    const wantsList = next !== undefined && next.key === '' && next.index !== undefined;
    if (segment.index === undefined) {
      const map = container as Values;
      if (last) map[segment.key] = value;
      else {
        if (!isValuesMap(map[segment.key])) map[segment.key] = {};
        container = map[segment.key] as Values;
      }
      return;
    }
    const list = listAt(container, segment.key);
    while (list.length <= segment.index) list.push(null);
    if (last) list[segment.index] = value;
    else {
      const child = list[segment.index];
      if (wantsList ? !Array.isArray(child) : !isValuesMap(child)) list[segment.index] = wantsList ? [] : {};
      container = list[segment.index] as Values | unknown[];
    }
  });
}

function listAt(container: Values | unknown[], key: string): unknown[] {
  if (Array.isArray(container)) return container;
  if (!Array.isArray(container[key])) container[key] = [];
  return container[key] as unknown[];
}

/**
 * The layer a `--set path=value` puts on top of `below`. A plain path makes a small map. A path that
 * indexes a list (`a.b[1]`) changes one item of the list `below` holds, so its layer carries that
 * whole list as it becomes, because layers replace lists.
 */
export function setLayer(below: Values, path: string, value: unknown): Values {
  const segments = parseSetPath(path);
  const firstList = segments.findIndex((segment) => segment.index !== undefined);
  const layer: Values = {};
  if (firstList === -1) {
    setValuePath(layer, path, value);
    return layer;
  }
  const keys = segments.slice(0, firstList + 1).map((segment) => segment.key);
  const after = cloneValues(below);
  setValuePath(after, path, value);
  let cursor = layer;
  for (const key of keys.slice(0, -1)) {
    cursor[key] = {};
    cursor = cursor[key] as Values;
  }
  cursor[keys[keys.length - 1]!] = valueAt(after, ...keys);
  return layer;
}
