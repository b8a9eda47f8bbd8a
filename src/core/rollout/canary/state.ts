// Where a revision-based (canary) hop stands, read from the mesh model only: which layouts can take a
// canary, the old and new istiod of a hop in progress, and everything that still points at the old one.
import { asArray, asRecord, asString } from '../../mesh/documents.js';
import { controlPlaneFor } from '../../mesh/invariants.js';
import type {
  ControlPlane,
  MeshCluster,
  MeshModel,
  RenderedObject,
  SourceLocation,
} from '../../mesh/types.js';
import { compareVersions, parseIstioVersion } from '../../versions/parse.js';
import { AMBIENT_ONE_MINOR, IOP_GATEWAYS_IN_PLACE } from './facts.js';
import { installAt, type ReleaseShape } from './shape.js';
import { inlineValue } from './values-text.js';

export type CanaryPhase = 'add' | 'move' | 'cleanup';

/** One istiod as a Flux HelmRelease, an Argo CD Application or an IstioOperator declares it. */
export interface CanaryIstiod {
  revision: string;
  version: string;
  /** The declaring object's metadata name and namespace. */
  name: string;
  namespace: string;
  file: string;
  line: number;
  plane: ControlPlane;
  object: RenderedObject;
  shape: ReleaseShape;
}

export type ReferenceKind = 'tag' | 'namespace' | 'workload' | 'gateway' | 'depends-on' | 'ca-address';

/** Something that still selects or names the old revision. */
export interface RevisionReference {
  kind: ReferenceKind;
  what: string;
  /** The tag, for `tag`; the referring object's name otherwise. */
  name: string;
  source?: SourceLocation;
}

export type CanaryLayout =
  { supported: true; cluster: MeshCluster; istiods: CanaryIstiod[] } | { supported: false; reason: string };

/**
 * Whether the repo's control plane can be upgraded by revision: one cluster whose istiods are each
 * one Flux HelmRelease, Argo CD Application or IstioOperator with a known version, and no ambient data plane (ztunnel and CNI are not
 * revisioned, so an ambient mesh moves one minor per hop whatever the strategy).
 */
export function canaryLayoutOf(model: MeshModel): CanaryLayout {
  const clusters = model.clusters.filter((c) => c.controlPlanes.length > 0);
  if (clusters.length !== 1)
    return {
      supported: false,
      reason: `revision upgrades are done for one cluster at a time; this repo declares control planes in ${clusters.length}`,
    };
  const cluster = clusters[0]!;
  const ambient = cluster.components.find((c) => c.component === 'ztunnel' || c.component === 'cni');
  if (ambient)
    return {
      supported: false,
      reason: `${ambient.component} ${ambient.name} is present: ${AMBIENT_ONE_MINOR.rule}`,
    };
  const istiods: CanaryIstiod[] = [];
  for (const plane of cluster.controlPlanes) {
    const istiod = canaryIstiodOf(model, cluster, plane);
    if (typeof istiod === 'string') return { supported: false, reason: istiod };
    istiods.push(istiod);
  }
  if (istiods.length > 2)
    return { supported: false, reason: `${istiods.length} istiod revisions run; a canary hop handles two` };
  return { supported: true, cluster, istiods: istiods.sort((a, b) => compareVersions(a.version, b.version)) };
}

/** A control plane as an istiod the canary steps can edit, or why it is not one. */
function canaryIstiodOf(model: MeshModel, cluster: MeshCluster, plane: ControlPlane): CanaryIstiod | string {
  const declaration = plane.declarations[0];
  const version = plane.version ? parseIstioVersion(plane.version)?.version : undefined;
  const editable = ['flux-helmrelease', 'argocd-application', 'istio-operator'].includes(
    declaration?.sourceId ?? '',
  );
  if (plane.declarations.length !== 1 || !editable || !declaration?.source || !version)
    return `revision ${plane.revision} is not one Flux HelmRelease, Argo CD Application or IstioOperator with an exact version; only those are upgraded by revision so far`;
  const gateway = cluster.components.find(
    (c) =>
      c.declaration?.sourceId === 'istio-operator' &&
      c.source?.file === declaration.source!.file &&
      c.source.line === declaration.source!.line,
  );
  if (gateway)
    return `${gateway.name} comes from the IstioOperator that installs istiod (${declaration.source.file}); ${IOP_GATEWAYS_IN_PLACE.rule}, so the canary steps do not split it (install the gateways from their own IstioOperator or chart)`;
  const install = installAt(model, declaration.source);
  if (!install)
    return `the object declaring revision ${plane.revision} was not found among the rendered objects`;
  const { object, shape } = install;
  const inline = asArray(inlineValue(object, shape, 'revisionTags')).map(String);
  const elsewhere = plane.tags.filter((t) => t !== 'default' && !inline.includes(t));
  if (elsewhere.length)
    return `${shape.label} gets revision tag(s) ${elsewhere.join(', ')} from outside its inline values (valuesFrom, valueFiles), which the canary steps do not edit`;
  return {
    revision: plane.revision,
    version,
    name: object.name,
    namespace: object.namespace ?? 'default',
    file: declaration.source.file,
    line: declaration.source.line,
    plane,
    object,
    shape,
  };
}

/** Whether a revision or tag name, or the absence of one (`default`), selects `plane`. */
function selects(cluster: MeshCluster, name: string, plane: ControlPlane): boolean {
  return controlPlaneFor(cluster, name) === plane;
}

/** Everything in the cluster that still selects or names the old istiod. */
export function referencesTo(cluster: MeshCluster, old: CanaryIstiod): RevisionReference[] {
  const out = [
    ...tagReferences(old),
    ...namespaceReferences(cluster, old),
    ...workloadReferences(cluster, old),
  ];
  const listedWorkloads = new Set(out.filter((r) => r.kind === 'workload').map((r) => r.name));
  out.push(...objectReferences(cluster, old, listedWorkloads), ...gatewayReferences(cluster, old));
  return out;
}

function tagReferences(old: CanaryIstiod): RevisionReference[] {
  const plane = old.plane;
  return plane.tags.map((tag) => ({
    kind: 'tag',
    name: tag,
    what: `tag ${tag} points at revision ${plane.revision}`,
    source: old.plane.source,
  }));
}

function namespaceReferences(cluster: MeshCluster, old: CanaryIstiod): RevisionReference[] {
  const out: RevisionReference[] = [];
  const plane = old.plane;
  const isDefault = plane.revision === 'default' || plane.tags.includes('default');
  for (const ns of cluster.namespaces) {
    if (ns.injection?.value === 'enabled' && isDefault)
      out.push({
        kind: 'namespace',
        name: ns.name,
        what: `namespace ${ns.name} has istio-injection=enabled, which selects the default revision`,
        source: ns.injection.source ?? ns.source,
      });
    else if (!ns.injection && ns.revision && ns.revision.value === plane.revision)
      out.push({
        kind: 'namespace',
        name: ns.name,
        what: `namespace ${ns.name} is labelled istio.io/rev=${ns.revision.value}`,
        source: ns.revision.source ?? ns.source,
      });
  }
  return out;
}

function workloadReferences(cluster: MeshCluster, old: CanaryIstiod): RevisionReference[] {
  const out: RevisionReference[] = [];
  for (const w of cluster.workloads) {
    const rev = w.podRevision?.value ?? w.sidecar.revision;
    if (w.sidecar.state !== 'none' && rev && selects(cluster, rev, old.plane))
      out.push({
        kind: 'workload',
        name: `${w.namespace}/${w.name}`,
        what: `the sidecar of ${w.kind} ${w.namespace}/${w.name} was injected by revision ${rev}`,
        source: w.sidecar.source ?? w.source,
      });
  }
  return out;
}

/** HelmReleases that dependOn the old istiod, and objects naming its Service as an address. */
function objectReferences(
  cluster: MeshCluster,
  old: CanaryIstiod,
  listedWorkloads: ReadonlySet<string>,
): RevisionReference[] {
  const out: RevisionReference[] = [];
  const plane = old.plane;
  // The old istiod's Service as an address (CA_ADDR, caAddress, discoveryAddress, proxyMetadata): the
  // default revision's is `istiod.<ns>.svc`, another revision's `istiod-<rev>.<ns>`. Sidecars injected
  // by the old revision are already listed as workloads (their re-render moves the address).
  const oldService =
    plane.revision === 'default'
      ? /(?<![\w.-])istiod\.[a-z0-9-]+\.svc\b/
      : new RegExp(`(?<![\\w.-])istiod-${plane.revision.replace(/[^0-9a-z-]/gi, '')}\\.`);
  for (const object of cluster.objects) {
    if (object.kind === 'HelmRelease' && object.name !== old.name)
      out.push(...dependsOnReferences(object, old));
    const address = object === old.object ? null : oldService.exec(JSON.stringify(object.object));
    if (address) {
      if (listedWorkloads.has(`${object.namespace ?? ''}/${object.name}`)) continue;
      out.push({
        kind: 'ca-address',
        name: object.name,
        what: `${object.kind} ${object.name} names ${address[0]}, the address of the old istiod (revision ${plane.revision}; a CA or discovery address)`,
        ...(object.source ? { source: object.source } : {}),
      });
    }
  }
  return out;
}

function dependsOnReferences(object: RenderedObject, old: CanaryIstiod): RevisionReference[] {
  const out: RevisionReference[] = [];
  const spec = asRecord(object.object.spec);
  for (const dep of asArray(spec?.dependsOn)) {
    const name = asString(asRecord(dep)?.name);
    const namespace = asString(asRecord(dep)?.namespace) ?? object.namespace;
    if (name === old.name && namespace === old.namespace)
      out.push({
        kind: 'depends-on',
        name: object.name,
        what: `HelmRelease ${object.namespace ?? ''}/${object.name} dependsOn ${old.name}`,
        ...(object.source ? { source: object.source } : {}),
      });
  }
  return out;
}

function gatewayReferences(cluster: MeshCluster, old: CanaryIstiod): RevisionReference[] {
  const out: RevisionReference[] = [];
  for (const gateway of cluster.components.filter((c) => c.component === 'gateway')) {
    const rev = gateway.revision ?? 'default';
    if (selects(cluster, rev, old.plane))
      out.push({
        kind: 'gateway',
        name: gateway.name,
        what: `gateway ${gateway.name} is served by revision ${rev}`,
        ...(gateway.source ? { source: gateway.source } : {}),
      });
  }
  return out;
}

/** Istio's revision name for a version: dots are not allowed in a revision (`1.31.0` -> `1-31-0`). */
export function revisionNameOf(version: string): string {
  const parsed = parseIstioVersion(version);
  if (!parsed) throw new Error(`not an Istio version: ${version}`);
  return parsed.version.replace(/[^0-9a-z-]/gi, '-').toLowerCase();
}
