// Helm umbrella charts: a Chart.yaml whose dependencies include Istio charts. A subchart's values are
// the parent's values under the dependency's key (`alias`, else `name`), with the parent's `global`
// over the subchart's own, as Helm passes them down.
import { posix } from 'node:path';
import { istioChartComponent } from './components.js';
import { listField, parseValuesText, stringField } from './documents.js';
import { isValuesMap, mergeLayers, valueAt } from './merge.js';
import type { ControlPlaneComponent, ValuesLayer, WorkspaceFileReader } from './types.js';

export interface IstioDependency {
  component: ControlPlaneComponent;
  name: string;
  /** The key its values sit under in the parent: `alias`, else `name`. */
  key: string;
  version?: string;
  repository?: string;
  condition?: string;
}

export interface ChartInRepo {
  chartFile: string;
  directory: string;
  name: string;
  version?: string;
  /** Its dependencies that are Istio charts; an umbrella chart has at least one. */
  dependencies: IstioDependency[];
}

function dependencyOf(entry: unknown): IstioDependency | undefined {
  const name = stringField(entry, 'name');
  const repository = stringField(entry, 'repository');
  const component = istioChartComponent(name, repository);
  if (!name || !component) return undefined;
  const dependency: IstioDependency = { component, name, key: stringField(entry, 'alias') ?? name };
  const version = stringField(entry, 'version');
  if (version) dependency.version = version.replace(/^v(?=\d)/, '');
  if (repository) dependency.repository = repository;
  const condition = stringField(entry, 'condition');
  if (condition) dependency.condition = condition;
  return dependency;
}

/** The chart at `chartFile`, with its Istio dependencies; undefined when there is no readable chart. */
export async function readChart(
  readFile: WorkspaceFileReader,
  chartFile: string,
): Promise<ChartInRepo | undefined> {
  const text = await readFile(chartFile).catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parseValuesText(text);
  if ('error' in parsed) return undefined;
  const dependencies = listField(parsed.values, 'dependencies')
    .map(dependencyOf)
    .filter((d): d is IstioDependency => d !== undefined);
  const name = stringField(parsed.values, 'name') ?? posix.basename(posix.dirname(chartFile));
  const chart: ChartInRepo = { chartFile, directory: posix.dirname(chartFile), name, dependencies };
  const version = stringField(parsed.values, 'version');
  if (version) chart.version = version;
  return chart;
}

/**
 * Helm's `condition` (`istiod.enabled`): a dependency is left out when the path is false in the
 * parent's merged values; a missing path keeps it.
 */
export function dependencyEnabled(
  dependency: IstioDependency,
  parentLayers: readonly ValuesLayer[],
): boolean {
  if (!dependency.condition) return true;
  const merged = mergeLayers(parentLayers);
  for (const path of dependency.condition.split(',')) {
    const value = valueAt(merged, ...path.trim().split('.'));
    if (typeof value === 'boolean') return value;
  }
  return true;
}

/** The parent's layers as the subchart sees them, plus the parent's merged `global` over all. */
export function subchartLayers(
  dependency: IstioDependency,
  parentLayers: readonly ValuesLayer[],
): ValuesLayer[] {
  const layers: ValuesLayer[] = [];
  for (const parent of parentLayers) {
    const own = parent.values[dependency.key];
    if (!isValuesMap(own)) continue;
    layers.push({ ...parent, description: `${parent.description} ${dependency.key}:`, values: own });
  }
  const global = mergeLayers(parentLayers).global;
  if (isValuesMap(global)) {
    layers.push({
      description: `Helm passes the parent chart's global to ${dependency.key}`,
      values: { global },
    });
  }
  return layers;
}
