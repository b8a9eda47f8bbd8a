// Typed, line-aware reads from one mapping of the repo config; every key read is remembered so
// that done() can refuse the ones nobody asked for.
import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { InvalidInputError } from '../errors.js';

export type Reader = {
  string(key: string): string | undefined;
  boolean(key: string): boolean | undefined;
  list(key: string): string[] | undefined;
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined;
  section(key: string): Reader;
  /** The raw node, for settings with their own shape (waves). */
  node(key: string): Node | undefined;
  done(): void;
};

/** The file being read, and how to point at a node in it. */
export interface ConfigContext {
  file: string;
  lineOf(node: Node | null | undefined): number | undefined;
  fail(path: string, node: Node | null | undefined, message: string, hint?: string): never;
}

export function configContext(file: string, lineCounter: LineCounter): ConfigContext {
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const fail = (path: string, node: Node | null | undefined, message: string, hint?: string): never => {
    throw new InvalidInputError(`'${path}' ${message}`, { file, line: lineOf(node), hint });
  };
  return { file, lineOf, fail };
}

export function sectionReader(ctx: ConfigContext, map: YAMLMap | null, prefix: string): Reader {
  const { fail } = ctx;
  const seen = new Set<string>();
  const get = (key: string) => {
    seen.add(key);
    return map?.get(key, true) as Node | undefined;
  };
  const name = (key: string) => (prefix ? `${prefix}.${key}` : key);
  return {
    string(key) {
      const node = get(key);
      if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
      if (!isScalar(node) || typeof node.value === 'object') return fail(name(key), node, 'must be a string');
      return String(node.value);
    },
    boolean(key) {
      const node = get(key);
      if (node === undefined) return undefined;
      if (!isScalar(node) || typeof node.value !== 'boolean')
        return fail(name(key), node, 'must be true or false');
      return node.value;
    },
    list(key) {
      const node = get(key);
      if (node === undefined) return undefined;
      if (isScalar(node) && typeof node.value === 'string') return [node.value];
      if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
        return fail(name(key), node, 'must be a list of strings');
      }
      return node.items.map((i) => String((i as { value: unknown }).value));
    },
    choice(key, choices) {
      const value = this.string(key);
      if (value === undefined) return undefined;
      if (!(choices as readonly string[]).includes(value)) {
        return fail(name(key), get(key), `is '${value}'`, `Use one of: ${choices.join(', ')}.`);
      }
      return value as (typeof choices)[number];
    },
    node(key) {
      return get(key);
    },
    section(key) {
      const node = get(key);
      if (node === undefined || (isScalar(node) && node.value === null))
        return sectionReader(ctx, null, name(key));
      if (!isMap(node)) return fail(name(key), node, 'must be a mapping');
      return sectionReader(ctx, node, name(key));
    },
    done() {
      refuseUnknownKeys(ctx, map, seen, name);
    },
  };
}

function refuseUnknownKeys(
  ctx: ConfigContext,
  map: YAMLMap | null,
  seen: ReadonlySet<string>,
  name: (key: string) => string,
): void {
  for (const item of map?.items ?? []) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    if (!seen.has(key)) {
      ctx.fail(
        name(key),
        item.key as Node,
        'is not a known setting',
        'See the README for the settings this file takes.',
      );
    }
  }
}
