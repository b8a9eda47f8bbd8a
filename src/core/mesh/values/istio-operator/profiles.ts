// Which components istioctl's built-in profiles install: `spec.components` of Istio's
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

/** `default`'s components, then the profile's; undefined for a profile istioctl does not ship. */
export function profileComponents(profile: string | undefined): [Values, Values] | undefined {
  const own = PROFILES[profile ?? 'default'];
  return own ? [DEFAULT, own] : undefined;
}
