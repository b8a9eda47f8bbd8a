// helmfile releases of Istio charts: `values` (files next to the helmfile, or inline maps) in order,
// then `set` over them, as helmfile passes them to `helm --values` and `--set`.
import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { declare, istioChartComponent } from '../components.js';
import { listField, stringField } from '../documents.js';
import { readValuesFile, workspacePath } from '../files.js';
import { isValuesMap, mergeLayers, parseSetValue, setLayer } from '../merge.js';
import type {
  ControlPlaneDeclaration,
  UnresolvedValues,
  ValuesLayer,
  ValuesLookupContext,
} from '../types.js';

const HELMFILE = /(^|\/)(helmfile\.ya?ml|helmfile\.d\/[^/]+\.ya?ml)(\.gotmpl)?$/;
const TEMPLATE = '__helmfile_template__';

function isHelmfile(path: string): boolean {
  return HELMFILE.test(path);
}

/**
 * helmfile renders its files as Go templates first. Lines that are only template actions
 * (`{{ if … }}`) are dropped and other actions become a marker, so the structure can be read and
 * each templated value named as unresolved.
 */
function untemplated(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*\{\{-?.*-?\}\}\s*$/.test(line))
    .join('\n')
    .replace(/\{\{-?.*?-?\}\}/g, TEMPLATE);
}

function isTemplated(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(TEMPLATE);
}

interface Release {
  file: string;
  entry: unknown;
  repositories: Map<string, string>;
}

function readReleases(file: string, text: string): Release[] {
  const releases: Release[] = [];
  const repositories = new Map<string, string>();
  for (const document of parseAllDocuments(untemplated(text))) {
    if (document.errors.length > 0) continue;
    let body: unknown;
    try {
      body = document.toJS();
    } catch {
      // Only an alias bomb gets here; such a file is no helmfile we can read.
      continue;
    }
    for (const repo of listField(body, 'repositories')) {
      const name = stringField(repo, 'name');
      const url = stringField(repo, 'url');
      if (name && url) repositories.set(name, stringField(repo, 'oci') === 'true' ? `oci://${url}` : url);
    }
    for (const entry of listField(body, 'releases')) releases.push({ file, entry, repositories });
  }
  return releases;
}

/** `set` and `setString` as `helm --set` / `--set-string`, over everything in `layers`. */
function setLayers(
  release: Release,
  label: string,
  layers: ValuesLayer[],
  unresolved: UnresolvedValues[],
): void {
  const source = { file: release.file, line: 1 };
  for (const [key, forceString] of [
    ['set', false],
    ['setString', true],
  ] as const) {
    for (const set of listField(release.entry, key)) {
      const name = stringField(set, 'name');
      const value = stringField(set, 'value');
      if (!name) continue;
      const reference = `${label} ${key} ${name}`;
      if (value === undefined || isTemplated(value)) {
        unresolved.push({
          reference,
          reason: 'no plain value (a template, a file or a list of values)',
          source,
        });
        continue;
      }
      try {
        const values = setLayer(mergeLayers(layers), name, parseSetValue(value, forceString));
        layers.push({ description: reference, source, values });
      } catch (error) {
        unresolved.push({
          reference,
          reason: error instanceof Error ? error.message : String(error),
          source,
        });
      }
    }
  }
}

async function valueLayers(
  release: Release,
  label: string,
  context: ValuesLookupContext,
): Promise<{ layers: ValuesLayer[]; unresolved: UnresolvedValues[] }> {
  const layers: ValuesLayer[] = [];
  const unresolved: UnresolvedValues[] = [];
  const source = { file: release.file, line: 1 };
  for (const [index, item] of listField(release.entry, 'values').entries()) {
    const description = `${label} values[${index}]`;
    if (isTemplated(item) || (typeof item === 'string' && item.endsWith('.gotmpl'))) {
      unresolved.push({
        reference: description,
        reason: 'a helmfile template; its values are known only when helmfile renders it',
        source,
      });
    } else if (isValuesMap(item)) {
      layers.push({ description, source, values: item });
    } else if (typeof item === 'string') {
      const path = workspacePath(posix.dirname(release.file), item);
      const read = path ? await readValuesFile(context.readFile, path, `${description} ${item}`) : undefined;
      if (read && 'layer' in read) layers.push(read.layer);
      else if (read && 'unresolved' in read) unresolved.push(read.unresolved);
      else
        unresolved.push({
          reference: `${description} ${item}`,
          reason: path ? 'the file is not in the repo' : 'the path climbs out of the repository',
          source,
        });
    }
  }
  setLayers(release, label, layers, unresolved);
  return { layers, unresolved };
}

function releaseChart(release: Release): NonNullable<ControlPlaneDeclaration['chart']> | undefined {
  const ref = stringField(release.entry, 'chart');
  if (!ref || isTemplated(ref)) return undefined;
  const [repo] = ref.split('/');
  const chart: NonNullable<ControlPlaneDeclaration['chart']> = { name: ref.split('/').pop()! };
  const repository = ref.startsWith('oci://') ? ref : release.repositories.get(repo ?? '');
  if (repository) chart.repository = repository;
  const version = stringField(release.entry, 'version');
  if (version && !isTemplated(version)) chart.version = version.replace(/^v(?=\d)/, '');
  return chart;
}

async function declareRelease(
  release: Release,
  context: ValuesLookupContext,
): Promise<ControlPlaneDeclaration | undefined> {
  const chart = releaseChart(release);
  const component = istioChartComponent(
    chart?.name,
    `${chart?.repository ?? ''} ${stringField(release.entry, 'chart') ?? ''}`,
  );
  if (!chart || !component) return undefined;
  const label = `helmfile ${release.file} release ${stringField(release.entry, 'name') ?? chart.name}`;
  const { layers, unresolved } = await valueLayers(release, label, context);
  const version = stringField(release.entry, 'version');
  if (isTemplated(version))
    unresolved.push({
      reference: `${label} version`,
      reason: 'a helmfile template',
      source: { file: release.file, line: 1 },
    });
  const namespace = stringField(release.entry, 'namespace');
  return declare({
    sourceId: 'helm-values-file',
    component,
    name: label,
    ...(namespace && !isTemplated(namespace) ? { namespace } : {}),
    source: { file: release.file, line: 1 },
    chart,
    layers,
    unresolved,
  });
}

export async function findHelmfileReleases(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  const out: ControlPlaneDeclaration[] = [];
  for (const file of (context.files ?? []).filter(isHelmfile)) {
    const text = await context.readFile(file).catch(() => undefined);
    if (text === undefined) continue;
    for (const release of readReleases(file, text)) {
      const declaration = await declareRelease(release, context);
      if (declaration) out.push(declaration);
    }
  }
  return out;
}
