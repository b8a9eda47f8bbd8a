// Where an installed istiod keeps its version, revision and values, per installer: a Flux HelmRelease
// (`spec.chart.spec.version`, `spec.values`), an Argo CD Application chart source (`targetRevision`,
// `helm.valuesObject`) or an IstioOperator file for `istioctl install` (`spec.tag`, `spec.revision`,
// `spec.values`), so the canary steps edit them the same way.
import { asArray, asRecord, asString } from '../../mesh/documents.js';
import type { MeshModel, RenderedObject, SourceLocation } from '../../mesh/types.js';

export type YamlPath = (string | number)[];

export interface ReleaseShape {
  kind: 'HelmRelease' | 'Application' | 'IstioOperator';
  /** For people: `HelmRelease istio-system/istiod`. */
  label: string;
  chart: string;
  versionPath: YamlPath;
  /** The inline values map (it may not exist yet). */
  valuesPath: YamlPath;
  releaseNamePath: YamlPath;
  /** Where the revision is written: `revision` in the values, or an IstioOperator's `spec.revision`. */
  revisionPath: YamlPath;
  /** Other places that carry the same version and move with it (an IstioOperator's `spec.tag` under `spec.values.global.tag`). */
  alsoVersionPaths?: YamlPath[];
  /** Argo CD `helm.values`, a string of YAML, when it holds the inline values instead of a map. */
  valuesText?: YamlPath;
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
      revisionPath: ['spec', 'values', 'revision'],
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
        revisionPath: [...at, 'helm', 'valuesObject', 'revision'],
        ...(text !== undefined && !asRecord(source.helm)?.valuesObject
          ? { valuesText: [...at, 'helm', 'values'] }
          : {}),
      };
    }
  }
  if (object.kind === 'IstioOperator' && object.apiVersion.startsWith('install.istio.io/'))
    return istioOperatorShape(object, label);
  return undefined;
}

/**
 * istioctl reads the tag from `spec.values.global.tag` over `spec.tag` (ADR 0010 amendment r4-d), so
 * the version lives in whichever is written, the winning one first; both move together.
 */
function istioOperatorShape(object: RenderedObject, label: string): ReleaseShape {
  const tagPaths: YamlPath[] = [
    ['spec', 'values', 'global', 'tag'],
    ['spec', 'tag'],
  ].filter((p) => valueAt(object, p) !== undefined);
  return {
    kind: 'IstioOperator',
    label,
    chart: 'istiod',
    versionPath: tagPaths[0] ?? ['spec', 'tag'],
    ...(tagPaths.length > 1 ? { alsoVersionPaths: tagPaths.slice(1) } : {}),
    valuesPath: ['spec', 'values'],
    releaseNamePath: [],
    revisionPath: ['spec', 'revision'],
  };
}

/** Every HelmRelease, Argo CD chart Application and IstioOperator the model renders, in any cluster. */
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
