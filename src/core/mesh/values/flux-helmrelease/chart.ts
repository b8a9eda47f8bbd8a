// Which chart a Flux HelmRelease installs: `spec.chart` (a HelmChart or OCIRepository template) or
// `spec.chartRef`, followed to the HelmRepository, GitRepository or OCIRepository among the objects.
import { findObject, mapField, stringField } from '../documents.js';
import type { ControlPlaneDeclaration, MeshObject } from '../types.js';

export type ReleaseChart = NonNullable<ControlPlaneDeclaration['chart']>;

/** `oci://ghcr.io/istio/release/charts/istiod` -> istiod. */
function lastSegment(reference: string): string {
  return reference.replace(/\/+$/, '').split('/').pop() ?? reference;
}

function withoutV(version: string | undefined): string | undefined {
  return version?.replace(/^v(?=\d)/, '');
}

/** An OCIRepository's `spec.ref`: a tag, else a semver range; a digest says no version. */
function ociVersion(spec: unknown): string | undefined {
  return withoutV(stringField(spec, 'ref', 'tag') ?? stringField(spec, 'ref', 'semver'));
}

function compact(chart: ReleaseChart): ReleaseChart {
  const out: ReleaseChart = { name: chart.name };
  if (chart.repository) out.repository = chart.repository;
  if (chart.version) out.version = chart.version;
  return out;
}

/** A HelmChart-style spec: `chart`, `version`, `sourceRef` to a repository object. */
function helmChartSpec(
  spec: unknown,
  objects: readonly MeshObject[],
  namespace: string | undefined,
): ReleaseChart {
  const kind = stringField(spec, 'sourceRef', 'kind') ?? 'HelmRepository';
  const sourceName = stringField(spec, 'sourceRef', 'name');
  const sourceNamespace = stringField(spec, 'sourceRef', 'namespace') ?? namespace;
  const source = sourceName ? findObject(objects, kind, sourceName, sourceNamespace) : undefined;
  return compact({
    name: lastSegment(stringField(spec, 'chart') ?? ''),
    repository: stringField(source?.object, 'spec', 'url') ?? sourceName,
    version: withoutV(stringField(spec, 'version')),
  });
}

function chartRef(release: MeshObject, objects: readonly MeshObject[]): ReleaseChart | undefined {
  const kind = stringField(release.object, 'spec', 'chartRef', 'kind');
  const name = stringField(release.object, 'spec', 'chartRef', 'name');
  if (!kind || !name) return undefined;
  const namespace = stringField(release.object, 'spec', 'chartRef', 'namespace') ?? release.namespace;
  const target = findObject(objects, kind, name, namespace);
  if (kind === 'HelmChart')
    return target ? helmChartSpec(mapField(target.object, 'spec'), objects, namespace) : undefined;
  const url = stringField(target?.object, 'spec', 'url');
  if (!url) return undefined;
  return compact({
    name: lastSegment(url),
    repository: url,
    version: ociVersion(mapField(target?.object, 'spec')),
  });
}

/** The chart, or undefined when the release names none this repo can see. */
export function releaseChart(release: MeshObject, objects: readonly MeshObject[]): ReleaseChart | undefined {
  const template = mapField(release.object, 'spec', 'chart');
  if (!template) return chartRef(release, objects);
  const spec = mapField(template, 'spec');
  if (stringField(template, 'kind') === 'OCIRepository') {
    const url = stringField(spec, 'url');
    return url ? compact({ name: lastSegment(url), repository: url, version: ociVersion(spec) }) : undefined;
  }
  return helmChartSpec(spec, objects, release.namespace);
}
