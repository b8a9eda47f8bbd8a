// Applies Flux post-build substitution to rendered Flux roots: variables from substituteFrom in order
// (later wins), then substitute over them; objects labelled or annotated
// `kustomize.toolkit.fluxcd.io/substitute: disabled` are left alone.
import { parse, stringify } from 'yaml';
import { asRecord, asString, lineAtPath, objectIdentity } from './documents.js';
import type { RepoFiles } from './repo-files.js';
import { locateDocument } from './source-map.js';
import { substituteVariables } from './substitute.js';
import { nearestTo } from '../workspace/nearest.js';
import type {
  MeshWarning,
  RenderedObject,
  RenderedRoot,
  SourceLocation,
  SubstitutionSource,
} from './types.js';

const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

type Variables = NonNullable<RenderedRoot['variables']>;

/** Substitutes every Flux root in place; `all` are every rendered root, for substituteFrom lookups. */
export function applyPostBuild(files: RepoFiles, all: RenderedRoot[]): void {
  const objects = all.flatMap((r) => r.objects);
  const clusterOfRoot = new Map(all.map((r) => [r.root.id, r.root.cluster]));
  // Clusters something declares (Flux or Argo CD); loose files and bare kustomize dirs are unplaced.
  const declaredClusters = new Set(
    all.filter((r) => r.root.kind === 'flux' || r.root.kind === 'argocd').map((r) => r.root.cluster),
  );
  for (const rendered of all) {
    const flux = rendered.root.flux;
    if (!flux || !rendered.rendered) continue;
    // Flux substitutes only when at least one variable or source is declared.
    if (flux.substitute.length === 0 && flux.substituteFrom.length === 0) continue;
    const variables: Variables = {};
    for (const ref of flux.substituteFrom) {
      const named = objects.filter(
        (o) =>
          o.kind === ref.kind && o.name === ref.name && (o.namespace ?? flux.namespace) === flux.namespace,
      );
      const found = substitutionObjectFor(rendered, named, clusterOfRoot, declaredClusters, ref);
      if (!found) {
        if (!ref.optional && named.length === 0)
          rendered.warnings.push({
            ...(ref.source ?? {}),
            message: `substituteFrom ${ref.kind} ${flux.namespace}/${ref.name} is not in the repository; Flux fails this Kustomization until it exists (set optional: true to tolerate its absence)`,
          });
        continue;
      }
      for (const [name, entry] of Object.entries(dataOf(files, found))) variables[name] = entry;
    }
    for (const entry of flux.substitute)
      variables[entry.name] = { value: entry.value, ...(entry.source ? { source: entry.source } : {}) };
    rendered.variables = variables;
    const values = new Map(Object.entries(variables).map(([k, v]) => [k, v.value]));
    for (const object of rendered.objects) substituteObject(object, values, rendered.warnings);
  }
}

/**
 * The object Flux would read for a substituteFrom entry: Flux looks it up in the cluster it applies
 * to, so only objects rendered for the Kustomization's own cluster count, then (when nothing places
 * it) loose ones; several at the same distance from the Kustomization are a warning naming them.
 */
function substitutionObjectFor(
  rendered: RenderedRoot,
  named: RenderedObject[],
  clusterOfRoot: Map<string, string>,
  declaredClusters: Set<string>,
  ref: SubstitutionSource,
): RenderedObject | undefined {
  const cluster = rendered.root.cluster;
  const placed = (o: RenderedObject) => clusterOfRoot.get(o.root);
  const same = named.filter((o) => placed(o) === cluster);
  const unplaced = named.filter((o) => !declaredClusters.has(placed(o) ?? ''));
  const candidates = same.length > 0 ? same : unplaced;
  const fileOf = (o: RenderedObject) => o.source?.file ?? '';
  const declaring = rendered.root.declaredBy?.source.file;
  const nearest = declaring ? nearestTo(declaring, candidates, fileOf) : candidates;
  const files = [...new Set(nearest.map(fileOf))].sort();
  const chosen = nearest.find((o) => fileOf(o) === files[0]);
  if (files.length > 1)
    rendered.warnings.push({
      ...(ref.source ?? {}),
      message: `substituteFrom ${ref.kind} ${ref.name} of cluster ${cluster} is ambiguous: ${files.join(' and ')} are equally near; the model uses ${files[0]} — keep one per cluster, or give them different names`,
    });
  if (!chosen && named.length > 0 && !ref.optional)
    rendered.warnings.push({
      ...(ref.source ?? {}),
      message: `substituteFrom ${ref.kind} ${ref.name} is rendered only for other clusters (${[...new Set(named.map(fileOf))].sort().join(', ')}), not for ${cluster}, where Flux looks it up`,
    });
  return chosen;
}

function substituteObject(
  object: RenderedObject,
  values: Map<string, string>,
  warnings: MeshWarning[],
): void {
  const metadata = asRecord(object.object.metadata);
  const disabled = (m: unknown) => asString(asRecord(m)?.[SUBSTITUTE_ANNOTATION]) === 'disabled';
  if (disabled(metadata?.labels) || disabled(metadata?.annotations)) return;
  const text = stringify(object.object);
  if (!text.includes('${')) return;
  const result = substituteVariables(text, values);
  const where = object.source ?? {};
  for (const error of result.errors)
    warnings.push({ ...where, message: `${object.kind} ${object.name}: ${error}` });
  for (const name of result.undefinedVariables)
    warnings.push({
      ...where,
      message: `${object.kind} ${object.name} uses \${${name}}, which no substitute or substituteFrom defines; Flux substitutes an empty string (and fails with StrictPostBuildSubstitutions)`,
    });
  if (result.text === text) return;
  let substituted: Record<string, unknown> | undefined;
  try {
    substituted = asRecord(parse(result.text) as unknown);
  } catch (error) {
    warnings.push({
      ...where,
      message: `${object.kind} ${object.name} is not YAML after substitution: ${String(error)}`,
    });
  }
  const id = substituted && objectIdentity(substituted);
  if (!substituted || !id) return;
  object.unsubstituted = object.object;
  object.object = substituted;
  object.name = id.name;
  if (id.namespace) object.namespace = id.namespace;
}

/** A ConfigMap's `data` or a Secret's `data` (base64) and `stringData`, with each key's line. */
function dataOf(files: RepoFiles, object: RenderedObject): Variables {
  const doc = locateDocument(files, object);
  const out: Variables = {};
  const add = (field: string, decode: boolean) => {
    for (const [key, raw] of Object.entries(asRecord(object.object[field]) ?? {})) {
      const text = asString(raw) ?? '';
      const value = decode ? Buffer.from(text, 'base64').toString('utf8') : text;
      const line = doc ? lineAtPath(doc, [field, key]) : undefined;
      const source: SourceLocation | undefined = object.source
        ? { file: object.source.file, line: line ?? object.source.line }
        : undefined;
      out[key] = { value, ...(source ? { source } : {}) };
    }
  };
  add('data', object.kind === 'Secret');
  if (object.kind === 'Secret') add('stringData', false);
  return out;
}
