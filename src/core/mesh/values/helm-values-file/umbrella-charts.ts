// Umbrella charts in the repo (a Chart.yaml depending on Istio charts): one declaration per enabled
// Istio dependency, from the chart's own values.yaml.
import { posix } from 'node:path';
import { declare } from '../components.js';
import { readValuesFile } from '../files.js';
import type {
  ControlPlaneDeclaration,
  UnresolvedValues,
  ValuesLayer,
  ValuesLookupContext,
} from '../types.js';
import { dependencyEnabled, readChart, subchartLayers } from '../umbrella.js';
import type { ChartInRepo } from '../umbrella.js';

function isChartFile(path: string): boolean {
  return posix.basename(path) === 'Chart.yaml';
}

function declareDependencies(
  chart: ChartInRepo,
  parent: ValuesLayer[],
  unresolved: UnresolvedValues[],
): ControlPlaneDeclaration[] {
  return chart.dependencies
    .filter((dependency) => dependencyEnabled(dependency, parent))
    .map((dependency) => {
      const chartInfo: NonNullable<ControlPlaneDeclaration['chart']> = { name: dependency.name };
      if (dependency.repository) chartInfo.repository = dependency.repository;
      if (dependency.version) chartInfo.version = dependency.version;
      const declaration = declare({
        sourceId: 'helm-values-file',
        component: dependency.component,
        name: `Helm chart ${chart.name} (${chart.chartFile}) dependency ${dependency.key}`,
        source: { file: chart.chartFile, line: 1 },
        chart: chartInfo,
        layers: subchartLayers(dependency, parent),
        unresolved,
      });
      declaration.notes = [
        "only the chart's values.yaml is read; files given with -f at install time are not known",
      ];
      return declaration;
    });
}

export async function findUmbrellaCharts(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  const out: ControlPlaneDeclaration[] = [];
  for (const chartFile of (context.files ?? []).filter(isChartFile)) {
    const chart = await readChart(context.readFile, chartFile);
    if (!chart || chart.dependencies.length === 0) continue;
    const valuesFile = posix.join(chart.directory, 'values.yaml');
    const read = await readValuesFile(context.readFile, valuesFile, `${valuesFile} (chart ${chart.name})`);
    const parent = 'layer' in read ? [read.layer] : [];
    const unresolved = 'unresolved' in read ? [read.unresolved] : [];
    out.push(...declareDependencies(chart, parent, unresolved));
  }
  return out;
}
