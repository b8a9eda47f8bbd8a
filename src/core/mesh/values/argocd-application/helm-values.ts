// The values layers of one Argo CD Helm source, lowest first: `valueFiles`, then `values` (or
// `valuesObject`, which replaces it), then each of `parameters` as `--set` / `--set-string`.
import { layerOf, listField, mapField, parseValuesText, stringField, unresolved } from '../documents.js';
import { mergeLayers, parseSetValue, setLayer } from '../merge.js';
import type { ValuesLayer, ValuesLookupContext } from '../types.js';
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
    out.layers.push(layerOf(`${label} helm.valuesObject`, object, source));
    return;
  }
  if (text === undefined) return;
  const parsed = parseValuesText(text);
  if ('error' in parsed)
    out.unresolved.push(unresolved(`${label} helm.values`, `the values ${parsed.error}`, source));
  else out.layers.push(layerOf(`${label} helm.values`, parsed.values, source));
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
      out.layers.push(layerOf(description, values, source));
    } catch (error) {
      out.unresolved.push(
        unresolved(description, error instanceof Error ? error.message : String(error), source),
      );
    }
  }
  for (const parameter of listField(helm, 'fileParameters')) {
    const name = stringField(parameter, 'name') ?? '';
    out.unresolved.push(
      unresolved(`${label} helm.fileParameters ${name}`, 'file parameters (--set-file) are not read', source),
    );
  }
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
