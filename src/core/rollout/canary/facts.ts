// The Istio rules the canary steps rely on, each with where Istio states it, so code and PR bodies
// cite the same sentence.

export interface IstioRule {
  rule: string;
  source: string;
}

export const IN_PLACE_ONE_MINOR: IstioRule = {
  rule: 'an in-place upgrade moves one control plane at most one minor; only a revision (canary) upgrade may skip one',
  source: 'https://istio.io/latest/docs/setup/upgrade/in-place/',
};

export const CANARY_TWO_MINORS: IstioRule = {
  rule: 'a revision (canary) upgrade installs the new istiod beside the old and may go two minors ahead',
  source: 'https://istio.io/latest/docs/setup/upgrade/canary/',
};

export const REVISION_TAGS: IstioRule = {
  rule: 'a revision tag is a stable name a namespace selects; moving it moves every namespace that uses it, and the chart renders it as istio-revision-tag-<tag> under a fixed name',
  source: 'https://istio.io/latest/docs/setup/upgrade/canary/#stable-revision-labels',
};

export const AMBIENT_ONE_MINOR: IstioRule = {
  rule: 'ztunnel and istio-cni are not revisioned and work with control planes of their own minor and the next, so an ambient mesh moves one minor per hop, istiod first, then CNI, then ztunnel',
  source: 'https://istio.io/latest/docs/ambient/upgrade/helm/',
};

export const GATEWAYS_AFTER_ISTIOD: IstioRule = {
  rule: 'gateways are proxies: they move to the new revision (its istio.io/rev) after istiod, never before',
  source: 'https://istio.io/latest/docs/setup/additional-setup/gateway/#canary-upgrade-advanced',
};

export const CRDS_FIRST: IstioRule = {
  rule: 'the base chart templates the CRDs and is upgraded before istiod',
  source: 'https://istio.io/latest/docs/setup/upgrade/helm/',
};

export const IOP_GATEWAYS_IN_PLACE: IstioRule = {
  rule: 'gateways installed by istioctl with a revision do not run per revision: istioctl upgrades them in place to the new control plane',
  source: 'https://istio.io/latest/docs/setup/upgrade/canary/#data-plane',
};

export const IOP_REVISION: IstioRule = {
  rule: 'with istioctl, the canary is a second install with its own revision (`istioctl install --set revision=<rev>`, an IstioOperator with `spec.revision`); the old one is removed with `istioctl uninstall --revision <old>` once unused',
  source: 'https://istio.io/latest/docs/setup/upgrade/canary/',
};

/** The order ambient components move in, after istiod (AMBIENT_ONE_MINOR). */
export const AMBIENT_ORDER: IstioRule & { components: readonly ['cni', 'ztunnel'] } = {
  rule: 'upgrade istiod first, then the istio-cni node agent, then ztunnel; each node agent runs with a control plane of its own minor or the next, never an older one',
  source: 'https://istio.io/latest/docs/ambient/upgrade/helm/',
  components: ['cni', 'ztunnel'],
};
