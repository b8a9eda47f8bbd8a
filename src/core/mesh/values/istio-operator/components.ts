// The components an IstioOperator installs and the values each one's chart gets, as istioctl's
// `component.Get` and `applyComponentValuesToHelmValues` decide them.
import { isValuesMap, mergeValues, valueAt } from '../merge.js';
import type { Values } from '../merge.js';
import type { ControlPlaneComponent } from '../types.js';
import type { Profile } from './profiles.js';

export interface IopComponent {
  component: ControlPlaneComponent;
  /** `pilot`, `ingressGateways[istio-ingressgateway]`: how the declaration names it. */
  label: string;
  namespace?: string;
  /** What istioctl sets over the shared values for this component (gateway name, hub, tag). */
  overrides: Values;
  /** ztunnel's chart reads its values at the root, so istioctl lifts `values.ztunnel` there. */
  flatten?: string;
}

interface Kind {
  spec: string;
  component: ControlPlaneComponent;
  /** `ToHelmValuesTreeRoot` in istioctl. */
  root: string[];
  multi?: boolean;
  /** `values.gateways.<name>.enabled: true` enables the gateway whatever its spec says. */
  altEnablement?: string[];
}

const KINDS: Kind[] = [
  { spec: 'base', component: 'base', root: ['global'] },
  { spec: 'pilot', component: 'istiod', root: ['pilot'] },
  {
    spec: 'ingressGateways',
    component: 'gateway',
    root: ['gateways', 'istio-ingressgateway'],
    multi: true,
    altEnablement: ['gateways', 'istio-ingressgateway', 'enabled'],
  },
  {
    spec: 'egressGateways',
    component: 'gateway',
    root: ['gateways', 'istio-egressgateway'],
    multi: true,
    altEnablement: ['gateways', 'istio-egressgateway', 'enabled'],
  },
  { spec: 'cni', component: 'cni', root: ['cni'] },
  { spec: 'ztunnel', component: 'ztunnel', root: ['ztunnel'] },
];

function nested(keys: string[], value: Values): Values {
  return keys.reduceRight<Values>((inner, key) => ({ [key]: inner }), value);
}

function overridesFor(kind: Kind, spec: Values): Values {
  const own: Values = {};
  if (kind.multi) {
    if (spec.name !== undefined) own.name = spec.name;
    if (isValuesMap(spec.label)) own.labels = spec.label;
  }
  if (typeof spec.hub === 'string' && spec.hub !== '') own.hub = spec.hub;
  if (spec.tag !== undefined && spec.tag !== null) own.tag = spec.tag;
  return Object.keys(own).length > 0 ? nested(kind.root, own) : {};
}

function enabled(spec: Values, alt: boolean): boolean {
  return spec.enabled !== false || alt;
}

function componentsOf(kind: Kind, merged: Values, values: Values): IopComponent[] {
  const alt = kind.altEnablement ? valueAt(values, ...kind.altEnablement) === true : false;
  const written = merged[kind.spec];
  const specs: Values[] = kind.multi
    ? (Array.isArray(written) ? written : []).filter(isValuesMap)
    : isValuesMap(written)
      ? [written]
      : alt
        ? [{}]
        : [];
  return specs
    .filter((spec) => enabled(spec, alt))
    .map((spec) => {
      const label = kind.multi ? `${kind.spec}[${String(spec.name ?? '')}]` : kind.spec;
      const component: IopComponent = {
        component: kind.component,
        label,
        overrides: overridesFor(kind, spec),
      };
      if (typeof spec.namespace === 'string') component.namespace = spec.namespace;
      if (kind.component === 'ztunnel') component.flatten = 'ztunnel';
      return component;
    });
}

/**
 * Every enabled component: the profile's `spec.components` under the user's (maps merge, lists such
 * as `ingressGateways` are replaced).
 */
export function iopComponents(userComponents: Values, profile: Profile, values: Values): IopComponent[] {
  const merged = [...profile.components, userComponents].reduce<Values>(
    (acc, layer) => mergeValues(acc, layer),
    {},
  );
  return KINDS.flatMap((kind) => componentsOf(kind, merged, values));
}
