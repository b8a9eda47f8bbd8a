// Argo CD Applications whose sources install Istio charts (from a Helm repo, OCI, or a chart in this
// repo, including umbrella charts), with values in Argo CD's precedence order.
import { posix } from 'node:path';
import { declare, istioChartComponent } from '../components.js';
import { listField, mapField, objectLabel, stringField } from '../documents.js';
import { readValuesFile } from '../files.js';
import { dependencyEnabled, readChart, subchartLayers } from '../umbrella.js';
import type { ControlPlaneDeclaration, MeshObject, ValuesLayer, ValuesLookupContext } from '../types.js';
import { helmSourceValues } from './helm-values.js';
import { isThisRepository } from './repository.js';
import type { ValueFilesResult } from './value-files.js';

function isApplication(object: MeshObject): boolean {
  return object.kind === 'Application' && object.apiVersion.startsWith('argoproj.io/');
}

/** `spec.sources` when set (Argo CD then ignores `spec.source`), else `spec.source`. */
function applicationSources(app: MeshObject): unknown[] {
  const many = listField(app.object, 'spec', 'sources');
  if (many.length > 0) return many;
  const one = mapField(app.object, 'spec', 'source');
  return one ? [one] : [];
}

type Chart = NonNullable<ControlPlaneDeclaration['chart']>;

function compactChart(name: string, repository: string | undefined, version: string | undefined): Chart {
  const chart: Chart = { name };
  if (repository) chart.repository = repository;
  if (version) chart.version = version.replace(/^v(?=\d)/, '');
  return chart;
}

/** A chart from a Helm repository (`chart:`) or an OCI repoURL; undefined for git path sources. */
function remoteChart(source: unknown): Chart | undefined {
  const repoURL = stringField(source, 'repoURL');
  const chart = stringField(source, 'chart');
  const version = stringField(source, 'targetRevision');
  if (chart) return compactChart(chart, repoURL, version);
  if (repoURL?.startsWith('oci://')) return compactChart(repoURL.split('/').pop()!, repoURL, version);
  return undefined;
}

interface Base {
  app: MeshObject;
  label: string;
  namespace?: string;
}

function finish(
  base: Base,
  component: ControlPlaneDeclaration['component'],
  chart: Chart,
  values: ValueFilesResult,
  name = base.label,
): ControlPlaneDeclaration {
  const declaration = declare({
    sourceId: 'argocd-application',
    component,
    name,
    ...(base.namespace ? { namespace: base.namespace } : {}),
    ...(base.app.source ? { source: base.app.source } : {}),
    chart,
    layers: values.layers,
    unresolved: values.unresolved,
  });
  if (values.notes.length > 0) declaration.notes = values.notes;
  return declaration;
}

/** A git path source in this repo: a vendored Istio chart, or an umbrella chart depending on them. */
async function localChart(
  base: Base,
  source: unknown,
  values: (path: string) => Promise<ValueFilesResult>,
  context: ValuesLookupContext,
): Promise<ControlPlaneDeclaration[]> {
  const path = stringField(source, 'path');
  if (path === undefined || !isThisRepository(stringField(source, 'repoURL'), context.repositoryUrls))
    return [];
  const dir = posix.normalize(path).replace(/^\.\/?|\/$/g, '');
  const chartFile = posix.join(dir, 'Chart.yaml');
  const chart = await readChart(context.readFile, chartFile);
  if (!chart) return [];
  // A chart of our own may be called `gateway`; a vendored Istio one says istio in its path.
  const vendored = istioChartComponent(chart.name, dir);
  if (vendored) {
    const vendoredChart = compactChart(chart.name, stringField(source, 'repoURL'), chart.version);
    return [finish(base, vendored, vendoredChart, await values(dir))];
  }
  if (chart.dependencies.length === 0) return [];
  const own = await values(dir);
  const defaults = await readValuesFile(
    context.readFile,
    posix.join(dir, 'values.yaml'),
    `${chart.name} chart values.yaml`,
  );
  const parent: ValuesLayer[] = ['layer' in defaults ? [defaults.layer] : [], own.layers].flat();
  return chart.dependencies
    .filter((dependency) => dependencyEnabled(dependency, parent))
    .map((dependency) => {
      const layers = subchartLayers(dependency, parent);
      const dependencyChart = compactChart(dependency.name, dependency.repository, dependency.version);
      const name = `${base.label} ${chart.name} dependency ${dependency.key}`;
      return finish(base, dependency.component, dependencyChart, { ...own, layers }, name);
    });
}

async function declareApplication(
  app: MeshObject,
  context: ValuesLookupContext,
): Promise<ControlPlaneDeclaration[]> {
  const sources = applicationSources(app);
  const namespace = stringField(app.object, 'spec', 'destination', 'namespace');
  const env = {
    ARGOCD_APP_NAME: app.name,
    ARGOCD_APP_NAMESPACE: namespace ?? '',
    ARGOCD_APP_PROJECT_NAME: stringField(app.object, 'spec', 'project') ?? '',
  };
  const out: ControlPlaneDeclaration[] = [];
  for (const [index, source] of sources.entries()) {
    const label = sources.length > 1 ? `${objectLabel(app)} sources[${index}]` : objectLabel(app);
    const base: Base = { app, label, ...(namespace ? { namespace } : {}) };
    const helm = mapField(source, 'helm');
    const repoURL = stringField(source, 'repoURL');
    const values = (path: string | undefined) =>
      helmSourceValues(
        helm,
        label,
        {
          ...(repoURL ? { repoURL } : {}),
          ...(path !== undefined ? { path } : {}),
          sources,
          ignoreMissing: stringField(helm, 'ignoreMissingValueFiles') === 'true',
          env,
        },
        app.source,
        context,
      );
    const chart = remoteChart(source);
    const component = istioChartComponent(chart?.name, repoURL);
    if (chart && component) out.push(finish(base, component, chart, await values(undefined)));
    else if (!chart) out.push(...(await localChart(base, source, values, context)));
  }
  return out;
}

export async function findApplications(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  const found = await Promise.all(
    context.objects.filter(isApplication).map((app) => declareApplication(app, context)),
  );
  return found.flat();
}
