// Which Helm charts and container images are Istio's, and which role each one plays.
import type { PinRole } from './types.js';

/** Istio's published charts; `cni` and `ztunnel` are node agents, so they count as data plane. */
const CHART_ROLES: Record<string, PinRole> = {
  base: 'control-plane',
  'istio-base': 'control-plane',
  istiod: 'control-plane',
  'istiod-remote': 'control-plane',
  // The gateway's proxy is injected by istiod, so its chart moves with the control plane.
  gateway: 'control-plane',
  'istio-ingress': 'control-plane',
  'istio-egress': 'control-plane',
  cni: 'data-plane',
  'istio-cni': 'data-plane',
  ztunnel: 'data-plane',
};

/** Names only Istio uses; `base`, `gateway` and `cni` also need an Istio repository or source name. */
const UNAMBIGUOUS_CHARTS = new Set([
  'istiod',
  'istio-base',
  'istiod-remote',
  'istio-cni',
  'istio-ingress',
  'istio-egress',
  'ztunnel',
]);

/** The role of an Istio chart, or undefined when the chart is not Istio's. `source` is a repo URL or name. */
export function istioChartRole(chart: string | undefined, source: string | undefined): PinRole | undefined {
  if (!chart) return undefined;
  const role = CHART_ROLES[chart];
  if (!role) return undefined;
  if (UNAMBIGUOUS_CHARTS.has(chart) || (source ?? '').toLowerCase().includes('istio')) return role;
  return undefined;
}

const IMAGE_ROLES: Record<string, PinRole> = {
  pilot: 'control-plane',
  proxyv2: 'data-plane',
  ztunnel: 'data-plane',
  'install-cni': 'data-plane',
};

/** The role of an Istio image by its last path segment (`docker.io/istio/proxyv2` -> data-plane). */
export function istioImageRole(image: string): PinRole | undefined {
  const name = image.slice(image.lastIndexOf('/') + 1);
  return IMAGE_ROLES[name];
}

/** Istio image tags: a version, optionally `v`, optionally a variant such as `-distroless`. */
export const IMAGE_TAG = /^(v?)(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)(-distroless|-debug)?$/;
