// The values layers of one Argo CD Helm source, lowest first: `valueFiles`, then `values` (or
// `valuesObject`, which replaces it), then each of `parameters` as `--set` / `--set-string`.
import { listField, mapField, parseValuesText, stringField } from '../documents.js';
import { mergeLayers, parseSetValue, setLayer } from '../merge.js';
import type { UnresolvedValues, ValuesLayer, ValuesLookupContext } from '../types.js';
import { readValueFiles } from './value-files.js';
import type { SourceContext, ValueFilesResult } from './value-files.js';

function inlineLayers(
  helm: unknown,
  label: string,
  source: ValuesLayer['source'],
  out: ValueFilesResult,
): void {
  const object = mapField(helm, 'valuesObject');
  const text = stringField(helm, 'values');
  if (object) {
    if (text !== undefined)
      out.notes.push(`${label} has both values and valuesObject; Argo CD ignores values`);
    out.layers.push(withSource({ description: `${label} helm.valuesObject`, values: object }, source));
    return;
  }
  if (text === undefined) return;
  const parsed = parseValuesText(text);
  if ('error' in parsed)
    out.unresolved.push(unresolvedAt(`${label} helm.values`, `the values ${parsed.error}`, source));
  else out.layers.push(withSource({ description: `${label} helm.values`, values: parsed.values }, source));
}

function parameterLayers(
  helm: unknown,
  label: string,
  source: ValuesLayer['source'],
  out: ValueFilesResult,
): void {
  for (const parameter of listField(helm, 'parameters')) {
    const name = stringField(parameter, 'name');
    const value = stringField(parameter, 'value') ?? '';
    if (!name) continue;
    const forceString = stringField(parameter, 'forceString') === 'true';
    const description = `${label} helm.parameters ${name}`;
    try {
      const values = setLayer(mergeLayers(out.layers), name, parseSetValue(value, forceString));
      out.layers.push(withSource({ description, values }, source));
    } catch (error) {
      out.unresolved.push(
        unresolvedAt(description, error instanceof Error ? error.message : String(error), source),
      );
    }
  }
  for (const parameter of listField(helm, 'fileParameters')) {
    const name = stringField(parameter, 'name') ?? '';
    out.unresolved.push(
      unresolvedAt(
        `${label} helm.fileParameters ${name}`,
        'file parameters (--set-file) are not read',
        source,
      ),
    );
  }
}

function withSource(layer: ValuesLayer, source: ValuesLayer['source']): ValuesLayer {
  return source ? { ...layer, source } : layer;
}

function unresolvedAt(reference: string, reason: string, source: ValuesLayer['source']): UnresolvedValues {
  return source ? { reference, reason, source } : { reference, reason };
}

/** Every layer of the source's `helm` block, in Argo CD's precedence order. */
export async function helmSourceValues(
  helm: unknown,
  label: string,
  where: SourceContext,
  objectSource: ValuesLayer['source'],
  context: ValuesLookupContext,
): Promise<ValueFilesResult> {
  const entries = listField(helm, 'valueFiles').filter((e): e is string => typeof e === 'string');
  const out = await readValueFiles(entries, label, where, context);
  inlineLayers(helm, label, objectSource, out);
  parameterLayers(helm, label, objectSource, out);
  return out;
}
