// Which Istio chart installs which control-plane component, and the Istio version a declaration names.
import { parseIstioVersion } from '../../versions/parse.js';
import { exactVersionOf } from '../../versions/range.js';
import { mergeLayers, isValuesMap, valueAt } from './merge.js';
import type { ControlPlaneComponent, ControlPlaneDeclaration } from './types.js';

const CHART_COMPONENTS: Record<string, ControlPlaneComponent> = {
  base: 'base',
  'istio-base': 'base',
  istiod: 'istiod',
  'istiod-remote': 'istiod',
  gateway: 'gateway',
  'istio-ingress': 'gateway',
  'istio-egress': 'gateway',
  cni: 'cni',
  'istio-cni': 'cni',
  ztunnel: 'ztunnel',
};

/** `base`, `gateway` and `cni` are common chart names; they count only from a source that says istio. */
const AMBIGUOUS = new Set(['base', 'gateway', 'cni']);

/**
 * The component an Istio chart installs, or undefined for other charts. `chart` may be a chart path
 * (`./charts/istiod`) or an OCI reference; its last segment is the name. `source` is a repository
 * URL or name.
 */
export function istioChartComponent(
  chart: string | undefined,
  source: string | undefined,
): ControlPlaneComponent | undefined {
  if (!chart) return undefined;
  const name = chart.replace(/\/+$/, '').split('/').pop()!.replace(/:.*$/, '');
  const component = CHART_COMPONENTS[name];
  if (!component) return undefined;
  if (!AMBIGUOUS.has(name)) return component;
  return `${chart} ${source ?? ''}`.toLowerCase().includes('istio') ? component : undefined;
}

/** `1.24.2` from `1.24.2`, `v1.24.2` or `1.24.2-distroless`; undefined for ranges and `latest`. */
export function istioVersionOf(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  return parseIstioVersion(text.replace(/-(distroless|debug)$/, ''))?.version;
}

/**
 * The image tag the component runs. The istiod, cni and ztunnel charts read a top-level `tag` first
 * (`.Values.tag | default .Values.global.tag`; ztunnel flattens `global` under its own values); the
 * base and gateway charts follow `global.tag`.
 */
function tagOf(values: Record<string, unknown>, component: ControlPlaneComponent): unknown {
  const global = valueAt(values, 'global', 'tag');
  if (component === 'base' || component === 'gateway') return global;
  return valueAt(values, 'tag') ?? global;
}

export interface DeclarationDraft extends Omit<
  ControlPlaneDeclaration,
  'values' | 'meshConfig' | 'revision' | 'version'
> {
  /** A version the declaring object states outright (Sail `spec.version`); wins over tags. */
  version?: string;
}

/**
 * Finishes a declaration: merges its layers, and reads revision, meshConfig and version from the
 * merged values. An explicit image tag says more about what runs than the chart version does.
 */
export function declare(draft: DeclarationDraft): ControlPlaneDeclaration {
  const values = mergeLayers(draft.layers);
  const declaration: ControlPlaneDeclaration = { ...draft, values, unresolved: [...draft.unresolved] };
  const revision = valueAt(values, 'revision');
  if (typeof revision === 'string' && revision !== '') declaration.revision = revision;
  else delete declaration.revision;
  const meshConfig = valueAt(values, 'meshConfig');
  if (isValuesMap(meshConfig)) declaration.meshConfig = meshConfig;
  const version =
    istioVersionOf(draft.version) ??
    istioVersionOf(tagOf(values, draft.component)) ??
    (draft.chart?.version ? exactVersionOf(draft.chart.version) : undefined);
  if (version) declaration.version = version;
  else delete declaration.version;
  return declaration;
}
