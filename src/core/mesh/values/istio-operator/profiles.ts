// istioctl's built-in profiles: the `spec.components` and `spec.values` of Istio's
// manifests/profiles/*.yaml (1.30), each applied over `default`'s, then the user's over both.
import type { Values } from '../merge.js';

const DEFAULT: Values = {
  base: { enabled: true },
  pilot: { enabled: true },
  ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }],
  egressGateways: [{ name: 'istio-egressgateway', enabled: false }],
};

const NO_INGRESS = [{ name: 'istio-ingressgateway', enabled: false }];

const PROFILES: Record<string, Values> = {
  default: {},
  ambient: { cni: { enabled: true }, ztunnel: { enabled: true }, ingressGateways: NO_INGRESS },
  demo: { egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
  empty: { base: { enabled: false }, pilot: { enabled: false }, ingressGateways: NO_INGRESS },
  minimal: { ingressGateways: NO_INGRESS },
  openshift: { cni: { enabled: true, namespace: 'kube-system' } },
  'openshift-ambient': {
    cni: { enabled: true, namespace: 'kube-system' },
    ztunnel: { enabled: true, namespace: 'kube-system' },
    ingressGateways: NO_INGRESS,
  },
  preview: {},
  remote: { ingressGateways: NO_INGRESS },
  stable: {},
};

/** `spec.values` of default.yaml (its `spec.hub` / `spec.tag` are the binary's own, so left out). */
const DEFAULT_VALUES: Values = {
  defaultRevision: '',
  gateways: { 'istio-egressgateway': {}, 'istio-ingressgateway': {} },
  global: { configValidation: true, istioNamespace: 'istio-system' },
  ztunnel: { resourceName: 'ztunnel' },
};

const PROFILE_VALUES: Record<string, Values> = {
  ambient: { profile: 'ambient' },
  demo: { profile: 'demo' },
  openshift: { global: { platform: 'openshift' } },
  'openshift-ambient': { global: { platform: 'openshift' }, profile: 'ambient' },
  preview: { profile: 'preview' },
  remote: { profile: 'remote' },
  stable: { profile: 'stable' },
};

export interface Profile {
  /** `default`'s components, then the profile's. */
  components: [Values, Values];
  /** `default`'s values, then the profile's. */
  values: [Values, Values];
}

/** A built-in profile, or undefined for one istioctl does not ship. */
export function builtinProfile(profile: string | undefined): Profile | undefined {
  const name = profile ?? 'default';
  const own = PROFILES[name];
  return own
    ? { components: [DEFAULT, own], values: [DEFAULT_VALUES, PROFILE_VALUES[name] ?? {}] }
    : undefined;
}
