// Where a Helm-installed Istio chart keeps its version and values, per installer: a Flux HelmRelease
// (`spec.chart.spec.version`, `spec.values`) or an Argo CD Application chart source
// (`targetRevision`, `helm.valuesObject`), so the canary steps edit both the same way.
import { asArray, asRecord, asString } from '../../mesh/documents.js';
import type { MeshModel, RenderedObject, SourceLocation } from '../../mesh/types.js';

export type YamlPath = (string | number)[];

export interface ReleaseShape {
  kind: 'HelmRelease' | 'Application';
  /** For people: `HelmRelease istio-system/istiod`. */
  label: string;
  chart: string;
  versionPath: YamlPath;
  /** The inline values map (it may not exist yet). */
  valuesPath: YamlPath;
  releaseNamePath: YamlPath;
  /** Values the installer reads that are not inline (Argo `helm.values` text), which the steps cannot edit. */
  opaqueValues?: string;
}

export interface HelmInstall {
  object: RenderedObject;
  shape: ReleaseShape;
}

/** The chart name an Argo CD source installs: `chart`, else the last segment of an OCI `repoURL`. */
function argoChart(source: Record<string, unknown>): string | undefined {
  const chart = asString(source.chart);
  if (chart) return chart.split('/').pop();
  const url = asString(source.repoURL);
  return url?.startsWith('oci://') ? url.split('/').pop()?.replace(/:.*$/, '') : undefined;
}

export function releaseShapeOf(object: RenderedObject): ReleaseShape | undefined {
  const spec = asRecord(object.object.spec);
  const label = `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
  if (object.kind === 'HelmRelease' && object.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
    const chart = asString(asRecord(asRecord(spec?.chart)?.spec)?.chart)
      ?.split('/')
      .pop();
    if (!chart) return undefined;
    return {
      kind: 'HelmRelease',
      label,
      chart,
      versionPath: ['spec', 'chart', 'spec', 'version'],
      valuesPath: ['spec', 'values'],
      releaseNamePath: ['spec', 'releaseName'],
    };
  }
  if (object.kind === 'Application' && object.apiVersion.startsWith('argoproj.io/')) {
    const sources = asArray(spec?.sources);
    const candidates: [YamlPath, Record<string, unknown>][] = sources.length
      ? sources.map((s, i) => [['spec', 'sources', i], asRecord(s) ?? {}])
      : [[['spec', 'source'], asRecord(spec?.source) ?? {}]];
    for (const [at, source] of candidates) {
      const chart = argoChart(source);
      if (!chart) continue;
      const text = asString(asRecord(source.helm)?.values);
      return {
        kind: 'Application',
        label: `Argo CD ${label}`,
        chart,
        versionPath: [...at, 'targetRevision'],
        valuesPath: [...at, 'helm', 'valuesObject'],
        releaseNamePath: [...at, 'helm', 'releaseName'],
        ...(text && !asRecord(source.helm)?.valuesObject ? { opaqueValues: 'helm.values (a string)' } : {}),
      };
    }
  }
  return undefined;
}

/** Every HelmRelease and Argo CD chart Application the model renders, in any cluster. */
export function helmInstalls(model: MeshModel): HelmInstall[] {
  const out: HelmInstall[] = [];
  for (const cluster of model.clusters)
    for (const object of cluster.objects) {
      const shape = releaseShapeOf(object);
      if (shape) out.push({ object, shape });
    }
  return out;
}

export function installAt(model: MeshModel, source: SourceLocation): HelmInstall | undefined {
  return helmInstalls(model).find(
    (i) => i.object.source?.file === source.file && i.object.source.line === source.line,
  );
}

export function valueAt(object: RenderedObject, path: YamlPath): unknown {
  let at: unknown = object.object;
  for (const key of path) at = typeof key === 'number' ? asArray(at)[key] : asRecord(at)?.[key];
  return at;
}
