// Reading values out of rendered objects and text: typed fields, YAML values strings, objects by name.
import { parse } from 'yaml';
import type { MeshObject, UnresolvedValues, ValuesLayer } from './types.js';
import { isValuesMap, valueAt } from './merge.js';
import type { Values } from './merge.js';

export function stringField(object: unknown, ...keys: string[]): string | undefined {
  const value = valueAt(object, ...keys);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function mapField(object: unknown, ...keys: string[]): Values | undefined {
  const value = valueAt(object, ...keys);
  return isValuesMap(value) ? value : undefined;
}

export function listField(object: unknown, ...keys: string[]): unknown[] {
  const value = valueAt(object, ...keys);
  return Array.isArray(value) ? value : [];
}

export type ParsedValues = { values: Values } | { error: string };

/** A values document (a ConfigMap key, Argo CD `values`, a file): a map, or empty. */
export function parseValuesText(text: string): ParsedValues {
  let parsed: unknown;
  try {
    parsed = parse(text, { uniqueKeys: false });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { error: `not valid YAML: ${message}` };
  }
  if (parsed === null || parsed === undefined) return { values: {} };
  if (!isValuesMap(parsed)) return { error: 'is YAML, but not a map of values' };
  return { values: parsed };
}

/** `HelmRelease istio-system/istiod`, the way findings name objects. */
export function objectLabel(object: Pick<MeshObject, 'kind' | 'name' | 'namespace'>): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/**
 * The rendered object of `kind` named `name` in `namespace`. An object rendered without a namespace
 * (a kustomization without `namespace:`) still matches, since the cluster would put it there.
 */
export function findObject(
  objects: readonly MeshObject[],
  kind: string,
  name: string,
  namespace: string | undefined,
): MeshObject | undefined {
  const named = objects.filter((o) => o.kind === kind && o.name === name);
  return (
    named.find((o) => o.namespace === namespace) ??
    named.find((o) => o.namespace === undefined || namespace === undefined)
  );
}

export function unresolved(
  reference: string,
  reason: string,
  source?: MeshObject['source'],
): UnresolvedValues {
  return source ? { reference, reason, source } : { reference, reason };
}

/** A layer, carrying its source location only when there is one. */
export function layerOf(description: string, values: Values, source?: MeshObject['source']): ValuesLayer {
  return source ? { description, source, values } : { description, values };
}
