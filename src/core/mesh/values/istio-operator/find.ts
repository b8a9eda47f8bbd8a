// IstioOperator resources (inputs to `istioctl install -f`), one declaration per component they
// enable, with values merged in istioctl's order (MergeInputs, 1.30).
import { declare } from '../components.js';
import { layerOf, mapField, objectLabel, stringField, unresolved } from '../documents.js';
import { isValuesMap, mergeLayers } from '../merge.js';
import type { Values } from '../merge.js';
import type { ControlPlaneDeclaration, MeshObject, ValuesLayer, ValuesLookupContext } from '../types.js';
import { iopComponents } from './components.js';
import { builtinProfile } from './profiles.js';
import type { IopComponent } from './components.js';

function isIstioOperator(object: MeshObject): boolean {
  return object.kind === 'IstioOperator' && object.apiVersion.startsWith('install.istio.io/');
}

/** istioctl's `translateIstioOperatorToHelm`: top-level spec fields as the Helm values they mean. */
function translatedSpec(spec: Values): Values {
  const out: Values = {};
  const global: Values = {};
  if (spec.hub !== undefined) global.hub = spec.hub;
  if (spec.tag !== undefined) global.tag = spec.tag;
  if (Object.keys(global).length > 0) out.global = global;
  if (spec.revision !== undefined) out.revision = spec.revision;
  if (spec.compatibilityVersion !== undefined) out.compatibilityVersion = spec.compatibilityVersion;
  if (isValuesMap(spec.meshConfig)) out.meshConfig = spec.meshConfig;
  return out;
}

/** Lowest first: the translated spec fields, `spec.values` over them, then `spec.unvalidatedValues`. */
function operatorLayers(iop: MeshObject): ValuesLayer[] {
  const spec = mapField(iop.object, 'spec') ?? {};
  const label = objectLabel(iop);
  const layers: ValuesLayer[] = [];
  const translated = translatedSpec(spec);
  if (Object.keys(translated).length > 0) {
    const fields = Object.keys(spec).filter((k) =>
      ['hub', 'tag', 'revision', 'meshConfig', 'compatibilityVersion'].includes(k),
    );
    layers.push(layerOf(`${label} spec.${fields.join(', spec.')}`, translated, iop.source));
  }
  // istioctl merges the user's spec.values again after translating, so they win over spec.tag & co.
  if (isValuesMap(spec.values)) layers.push(layerOf(`${label} spec.values`, spec.values, iop.source));
  if (isValuesMap(spec.unvalidatedValues))
    layers.push(layerOf(`${label} spec.unvalidatedValues`, spec.unvalidatedValues, iop.source));
  return layers;
}

function componentLayers(iop: MeshObject, shared: ValuesLayer[], component: IopComponent): ValuesLayer[] {
  const layers = [...shared];
  const label = `${objectLabel(iop)} spec.components.${component.label}`;
  if (Object.keys(component.overrides).length > 0)
    layers.push(layerOf(label, component.overrides, iop.source));
  if (component.flatten) {
    const merged = mergeLayers(layers);
    const lifted = merged[component.flatten];
    if (isValuesMap(lifted))
      layers.push(
        layerOf(`istioctl lifts values.${component.flatten} to the chart's root`, lifted, iop.source),
      );
  }
  return layers;
}

/** A profile istioctl does not ship: one istiod declaration naming it as unresolved. */
function unknownProfile(iop: MeshObject, profile: string, shared: ValuesLayer[]): ControlPlaneDeclaration {
  const reference = `${objectLabel(iop)} spec.profile ${profile}`;
  const reason = 'not a profile istioctl ships (a profile file or installPackagePath is not followed)';
  return declare({
    sourceId: 'istio-operator',
    component: 'istiod',
    name: objectLabel(iop),
    ...(iop.source ? { source: iop.source } : {}),
    layers: shared,
    unresolved: [unresolved(reference, reason, iop.source)],
  });
}

function declareOperator(iop: MeshObject): ControlPlaneDeclaration[] {
  const profileName = stringField(iop.object, 'spec', 'profile');
  const profile = builtinProfile(profileName);
  if (!profile) return [unknownProfile(iop, profileName ?? '', operatorLayers(iop))];
  const profileLayer = layerOf(
    `istioctl profile ${profileName ?? 'default'} (1.30) spec.values`,
    mergeLayers(profile.values.map((values) => ({ values }))),
  );
  const shared = [profileLayer, ...operatorLayers(iop)];
  const values = mergeLayers(shared);
  const components = iopComponents(mapField(iop.object, 'spec', 'components') ?? {}, profile, values);
  // istioctl puts components without a namespace in metadata.namespace, which it sets from this.
  const defaultNamespace = stringField(values, 'global', 'istioNamespace') ?? iop.namespace ?? 'istio-system';
  return components.map((component) => {
    const declaration = declare({
      sourceId: 'istio-operator',
      component: component.component,
      name: component.component === 'istiod' ? objectLabel(iop) : `${objectLabel(iop)} ${component.label}`,
      namespace: component.namespace ?? defaultNamespace,
      ...(iop.source ? { source: iop.source } : {}),
      layers: componentLayers(iop, shared, component),
      unresolved: [],
    });
    declaration.notes = [
      `profile ${profileName ?? 'default'} (istioctl 1.30 built-in): its spec.values are the lowest layer`,
    ];
    if (!declaration.version) declaration.notes.push('no tag: istioctl installs its own version');
    return declaration;
  });
}

export function findIstioOperators(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  return Promise.resolve(context.objects.filter(isIstioOperator).flatMap(declareOperator));
}
