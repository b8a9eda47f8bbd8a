// Sail Operator `Istio`, `IstioCNI` and `ZTunnel` resources, with values merged as the operator merges
// them: `spec.values` (then v1alpha1's `spec.rawValues`), then the revision and namespace it sets itself.
import { declare } from '../components.js';
import { layerOf, mapField, objectLabel, stringField } from '../documents.js';
import type {
  ControlPlaneComponent,
  ControlPlaneDeclaration,
  MeshObject,
  ValuesLayer,
  ValuesLookupContext,
} from '../types.js';

interface SailKind {
  component: ControlPlaneComponent;
  /** `spec.namespace`'s default in sailoperator.io/v1. */
  defaultNamespace: string;
}

const KINDS: Record<string, SailKind> = {
  Istio: { component: 'istiod', defaultNamespace: 'istio-system' },
  IstioCNI: { component: 'cni', defaultNamespace: 'istio-cni' },
  ZTunnel: { component: 'ztunnel', defaultNamespace: 'ztunnel' },
};

function isSailResource(object: MeshObject): boolean {
  return object.apiVersion.startsWith('sailoperator.io/') && object.kind in KINDS;
}

/**
 * The IstioRevision the operator makes: the Istio's own name for InPlace, `<name>-<version with
 * dashes>` (`default-v1-24-2`) for RevisionBased.
 */
export function sailRevisionName(istio: MeshObject): string {
  const strategy = stringField(istio.object, 'spec', 'updateStrategy', 'type');
  const version = stringField(istio.object, 'spec', 'version') ?? '';
  return strategy === 'RevisionBased' ? `${istio.name}-${version.replace(/\./g, '-')}` : istio.name;
}

function userLayers(object: MeshObject): ValuesLayer[] {
  const layers: ValuesLayer[] = [];
  const values = mapField(object.object, 'spec', 'values');
  if (values) layers.push(layerOf(`${objectLabel(object)} spec.values`, values, object.source));
  const raw = mapField(object.object, 'spec', 'rawValues');
  if (raw) layers.push(layerOf(`${objectLabel(object)} spec.rawValues`, raw, object.source));
  return layers;
}

/** What the operator sets over the user's values for an Istio (its `applyOverrides`). */
function operatorLayer(istio: MeshObject, namespace: string): ValuesLayer {
  const name = sailRevisionName(istio);
  // The operator installs the `default` revision as Istio's default (empty) revision.
  const revision = name === 'default' ? '' : name;
  return layerOf(
    `Sail Operator: revision ${name} (${stringField(istio.object, 'spec', 'updateStrategy', 'type') ?? 'InPlace'}), global.istioNamespace`,
    { revision, global: { istioNamespace: namespace } },
    istio.source,
  );
}

function declareSail(object: MeshObject): ControlPlaneDeclaration {
  const kind = KINDS[object.kind]!;
  const written = stringField(object.object, 'spec', 'namespace');
  const namespace = written ?? kind.defaultNamespace;
  const layers = userLayers(object);
  if (object.kind === 'Istio') layers.push(operatorLayer(object, namespace));
  const version = stringField(object.object, 'spec', 'version');
  const declaration = declare({
    sourceId: 'sail-istio',
    component: kind.component,
    name: objectLabel(object),
    namespace,
    ...(object.source ? { source: object.source } : {}),
    ...(version ? { version } : {}),
    layers,
    unresolved: [],
  });
  const notes: string[] = [];
  if (!version)
    notes.push(`${objectLabel(object)} has no spec.version; the operator installs its own default version`);
  else if (!declaration.version)
    notes.push(`spec.version ${version} is an alias, not a release; the operator resolves it`);
  if (!written)
    notes.push(`spec.namespace is not set; sailoperator.io/v1 defaults it to ${kind.defaultNamespace}`);
  const profile = stringField(object.object, 'spec', 'profile');
  if (profile) notes.push(`profile ${profile}: its values sit under these layers and are not read here`);
  if (notes.length > 0) declaration.notes = notes;
  return declaration;
}

export function findSailResources(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  return Promise.resolve(context.objects.filter(isSailResource).map(declareSail));
}
