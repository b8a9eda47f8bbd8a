// The registry of control-plane values sources: adding a place values live means one folder and one line.
import { argocdApplicationSource } from './argocd-application/index.js';
import { fluxHelmReleaseSource } from './flux-helmrelease/index.js';
import { istioOperatorSource } from './istio-operator/index.js';
import { sailIstioSource } from './sail-istio/index.js';
import type { ControlPlaneDeclaration, ValuesLookupContext, ValuesSource } from './types.js';

export const VALUES_SOURCES: readonly ValuesSource[] = [
  fluxHelmReleaseSource,
  argocdApplicationSource,
  istioOperatorSource,
  sailIstioSource,
];

/** Every source's declarations for one cluster's rendered objects, in registry order. */
export async function findControlPlanes(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  const found = await Promise.all(VALUES_SOURCES.map((source) => source.find(context)));
  return found.flat();
}

export type * from './types.js';
