// The control planes and Istio components of a cluster, from the values sources' declarations and
// from what the cluster's roots render (an istiod Deployment in plain manifests, Sail's tags).
import { parseIstioVersion } from '../versions/parse.js';
import { asArray, asRecord, asString } from './documents.js';
import type { ControlPlane, MeshComponent, MeshWarning, RenderedObject } from './types.js';
import type { ControlPlaneDeclaration } from './values/types.js';
import { imageVersion, istioComponentOf } from './workloads.js';

/** istiod declarations grouped by revision, plus istiod Deployments rendered as plain manifests. */
export function controlPlanesOf(
  declarations: ControlPlaneDeclaration[],
  objects: RenderedObject[],
  warnings: MeshWarning[],
): ControlPlane[] {
  const byRevision = declaredPlanes(declarations, warnings);
  addRenderedPlanes(byRevision, objects);
  addSailTags(byRevision, objects);
  // `defaultRevision` on a revision makes the `default` tag point at it.
  for (const plane of byRevision.values()) {
    const defaultRevision = plane.declarations.map((d) => asString(d.values.defaultRevision)).find(Boolean);
    if (defaultRevision && defaultRevision === plane.revision && !plane.tags.includes('default'))
      plane.tags.push('default');
  }
  return [...byRevision.values()].sort((a, b) => a.revision.localeCompare(b.revision));
}

function declaredPlanes(
  declarations: ControlPlaneDeclaration[],
  warnings: MeshWarning[],
): Map<string, ControlPlane> {
  const byRevision = new Map<string, ControlPlane>();
  for (const declaration of declarations.filter((d) => d.component === 'istiod')) {
    const revision = declaration.revision ?? 'default';
    const version = declaration.version ?? declaration.chart?.version;
    const existing = byRevision.get(revision);
    if (existing) {
      existing.declarations.push(declaration);
      if (version && existing.version && version !== existing.version)
        warnings.push({
          ...(declaration.source ?? {}),
          message: `revision ${revision} is declared twice with different versions (${existing.version} and ${version}); the first is used`,
        });
      continue;
    }
    byRevision.set(revision, {
      revision,
      ...(version ? { version } : {}),
      tags: tagsOf(declaration.values),
      ...(declaration.chart ? { chart: declaration.chart } : {}),
      ...(declaration.source ? { source: declaration.source } : {}),
      values: declaration.values,
      ...(declaration.meshConfig ? { meshConfig: declaration.meshConfig } : {}),
      declarations: [declaration],
    });
  }
  return byRevision;
}

/** istiod Deployments rendered as plain manifests, for revisions no values source declares. */
function addRenderedPlanes(byRevision: Map<string, ControlPlane>, objects: RenderedObject[]): void {
  for (const object of objects) {
    if (istioComponentOf(object) !== 'istiod') continue;
    const labels = asRecord(asRecord(object.object.metadata)?.labels) ?? {};
    const revision = asString(labels['istio.io/rev']) ?? 'default';
    if (byRevision.has(revision)) continue;
    const version = deploymentVersion(object);
    byRevision.set(revision, {
      revision,
      ...(version ? { version } : {}),
      tags: [],
      ...(object.source ? { source: object.source } : {}),
      values: {},
      declarations: [],
    });
  }
}

/** Sail's IstioRevisionTag points a tag at an Istio (or IstioRevision) by name. */
function addSailTags(byRevision: Map<string, ControlPlane>, objects: RenderedObject[]): void {
  for (const object of objects) {
    if (object.kind !== 'IstioRevisionTag' || !object.apiVersion.startsWith('sailoperator.io/')) continue;
    const target = asString(asRecord(asRecord(object.object.spec)?.targetRef)?.name);
    const plane = [...byRevision.values()].find((p) =>
      p.declarations.some(
        (d) =>
          d.sourceId === 'sail-istio' && (d.name.split(/[\s/]/).pop() === target || p.revision === target),
      ),
    );
    if (plane && !plane.tags.includes(object.name)) plane.tags.push(object.name);
  }
}

function tagsOf(values: Record<string, unknown>): string[] {
  return asArray(values.revisionTags)
    .map((t) => asString(t) ?? '')
    .filter(Boolean);
}

function deploymentVersion(object: RenderedObject): string | undefined {
  const containers = asArray(
    asRecord(asRecord(asRecord(asRecord(object.object.spec)?.template)?.spec))?.containers,
  );
  for (const container of containers) {
    const image = asString(asRecord(container)?.image);
    const version = image ? imageVersion(image) : undefined;
    if (version) return version;
  }
  return undefined;
}

export function componentsOf(
  declarations: ControlPlaneDeclaration[],
  objects: RenderedObject[],
): MeshComponent[] {
  const out: MeshComponent[] = [];
  for (const d of declarations) {
    if (d.component !== 'gateway' && d.component !== 'cni' && d.component !== 'ztunnel') continue;
    const version = d.version ?? d.chart?.version;
    out.push({
      component: d.component,
      name: d.name,
      ...(d.namespace ? { namespace: d.namespace } : {}),
      ...(version && parseIstioVersion(version) ? { version } : {}),
      ...(d.revision ? { revision: d.revision } : {}),
      ...(d.source ? { source: d.source } : {}),
      declaration: d,
    });
  }
  for (const object of objects) {
    const component = istioComponentOf(object);
    if (component !== 'gateway' && component !== 'ztunnel' && component !== 'cni') continue;
    const version = deploymentVersion(object);
    out.push({
      component,
      name: `${object.kind} ${object.name}`,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      ...(version ? { version } : {}),
      ...(object.source ? { source: object.source } : {}),
    });
  }
  return out;
}
