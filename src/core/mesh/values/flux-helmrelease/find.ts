// Flux HelmReleases of Istio charts, with values merged in helm-controller's order: `valuesFrom`
// documents in order, `spec.values` on top, then each `targetPath` value over everything.
import { istioChartComponent, declare } from '../components.js';
import { listField, mapField, objectLabel, stringField } from '../documents.js';
import { mergeLayers, setLayer } from '../merge.js';
import type {
  ControlPlaneDeclaration,
  MeshObject,
  UnresolvedValues,
  ValuesLayer,
  ValuesLookupContext,
} from '../types.js';
import { releaseChart } from './chart.js';
import { parseReference, resolveReference } from './values-from.js';

function isHelmRelease(object: MeshObject): boolean {
  return object.kind === 'HelmRelease' && object.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

interface ReleaseValues {
  layers: ValuesLayer[];
  unresolved: UnresolvedValues[];
  notes: string[];
}

function inlineLayer(release: MeshObject): ValuesLayer | undefined {
  const values = mapField(release.object, 'spec', 'values');
  if (!values) return undefined;
  const layer: ValuesLayer = { description: `${objectLabel(release)} spec.values`, values };
  if (release.source) layer.source = release.source;
  return layer;
}

/**
 * `spec.chart.spec.valuesFiles` (and the older `valuesFile`) replace the chart's default values with
 * files from the chart's source artifact, which Flux fetches; they are named, not read.
 */
function chartValuesFiles(release: MeshObject): UnresolvedValues[] {
  const files = [
    ...listField(release.object, 'spec', 'chart', 'spec', 'valuesFiles'),
    stringField(release.object, 'spec', 'chart', 'spec', 'valuesFile'),
  ].filter((f): f is string => typeof f === 'string');
  const reason =
    "chart values files come from the chart's source artifact, which Flux fetches; they are not read";
  return files.map((file) => ({
    reference: `${objectLabel(release)} spec.chart.spec.valuesFiles ${file}`,
    reason,
    ...(release.source ? { source: release.source } : {}),
  }));
}

function releaseValues(release: MeshObject, objects: readonly MeshObject[]): ReleaseValues {
  // Chart values files sit under everything else: they replace the chart's own defaults.
  const out: ReleaseValues = { layers: [], unresolved: chartValuesFiles(release), notes: [] };
  const targets: Extract<ReturnType<typeof resolveReference>, { kind: 'target' }>[] = [];
  for (const entry of listField(release.object, 'spec', 'valuesFrom')) {
    const result = resolveReference(parseReference(entry), release, objects);
    if (result.kind === 'layer') out.layers.push(result.layer);
    else if (result.kind === 'target') targets.push(result);
    else if (result.kind === 'unresolved') out.unresolved.push(result.unresolved);
    else out.notes.push(result.note);
  }
  const inline = inlineLayer(release);
  if (inline) out.layers.push(inline);
  for (const target of targets) {
    try {
      const values = setLayer(mergeLayers(out.layers), target.path, target.value);
      out.layers.push(
        target.source
          ? { description: target.description, source: target.source, values }
          : { description: target.description, values },
      );
    } catch (error) {
      const reason = `targetPath is not a path Flux can set: ${error instanceof Error ? error.message : String(error)}`;
      out.unresolved.push(
        target.source
          ? { reference: target.description, reason, source: target.source }
          : { reference: target.description, reason },
      );
    }
  }
  return out;
}

function declareRelease(
  release: MeshObject,
  objects: readonly MeshObject[],
): ControlPlaneDeclaration | undefined {
  const chart = releaseChart(release, objects);
  const component = istioChartComponent(chart?.name, chart?.repository);
  if (!chart || !component) return undefined;
  const { layers, unresolved, notes } = releaseValues(release, objects);
  const namespace = stringField(release.object, 'spec', 'targetNamespace') ?? release.namespace;
  const declaration = declare({
    sourceId: 'flux-helmrelease',
    component,
    name: objectLabel(release),
    ...(namespace ? { namespace } : {}),
    ...(release.source ? { source: release.source } : {}),
    chart,
    layers,
    unresolved,
  });
  if (notes.length > 0) declaration.notes = notes;
  return declaration;
}

export function findHelmReleases(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  const declarations = context.objects
    .filter(isHelmRelease)
    .map((release) => declareRelease(release, context.objects))
    .filter((d): d is ControlPlaneDeclaration => d !== undefined);
  return Promise.resolve(declarations);
}
