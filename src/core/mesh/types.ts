// The mesh model's plain data: roots, rendered objects, clusters, control planes, namespaces,
// workloads, and the findings the invariants report. Modules pass these, never parsed YAML.
import type { ControlPlaneDeclaration, MeshObject, SourceLocation } from './values/types.js';

export type { MeshObject, SourceLocation } from './values/types.js';

export interface MeshWarning {
  message: string;
  file?: string;
  line?: number;
}

export type RootKind = 'flux' | 'argocd' | 'kustomize' | 'plain';

export interface SubstitutionSource {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  optional: boolean;
  source?: SourceLocation;
}

export interface FluxSettings {
  /** The Kustomization's namespace: where Flux looks up substituteFrom objects. */
  namespace: string;
  substitute: { name: string; value: string; source?: SourceLocation }[];
  substituteFrom: SubstitutionSource[];
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  patches: unknown[];
  images: unknown[];
  components: string[];
}

/** Something the repo deploys: one `kustomize build` (or one directory of plain manifests). */
export interface MeshRoot {
  /** Stable: `<kind>:<path>` plus the declaring object for Flux and Argo CD roots. */
  id: string;
  kind: RootKind;
  /** Workspace-relative directory (`.` for the repository root). */
  path: string;
  cluster: string;
  /** The Flux Kustomization or Argo CD Application that declares it. */
  declaredBy?: { kind: string; name: string; namespace?: string; source: SourceLocation };
  /** Whether `path` holds a kustomization file (else its manifests are read as they are). */
  kustomization: boolean;
  flux?: FluxSettings;
  /** Roots without a kustomization: their manifests outside any nested kustomization, workspace-relative. */
  files?: string[];
  /**
   * Roots without a kustomization: the top-most kustomization directories under the path, which
   * Flux's generated kustomization includes as directories.
   */
  nested?: string[];
}

/** Where a rendered field came from, and how it got there. */
export type FieldOrigin = 'inline' | 'patch' | 'overlay' | 'helm-rendered' | 'substituted';

export interface FieldSource extends SourceLocation {
  origin: FieldOrigin;
  /** The substituted variable, for `substituted`; where it was defined is `file`/`line`. */
  variable?: string;
  /** Where the variable reference sits (the field in the manifest or patch). */
  reference?: SourceLocation;
}

export interface RenderedObject extends MeshObject {
  root: string;
  /** The object before Flux substitution, for tracing substituted fields. */
  unsubstituted?: Record<string, unknown>;
  /** Files of the patches kustomize applied to it (from its transformation annotations). */
  patchedIn: string[];
}

export interface RenderedRoot {
  root: MeshRoot;
  objects: RenderedObject[];
  warnings: MeshWarning[];
  /** False when the root could not be rendered (its warning says why). */
  rendered: boolean;
  /** Flux roots: the post-build variables as applied, with where each was defined. */
  variables?: Record<string, { value: string; source?: SourceLocation }>;
}

export type SidecarState = 'none' | 'classic' | 'native';

export interface WorkloadSidecar {
  state: SidecarState;
  /** The proxy image's version, when its tag is one. */
  version?: string;
  image?: string;
  /** The revision that serves it: pod label, namespace label, or `default`. */
  revision?: string;
  origin?: FieldOrigin;
  /** Where the istio-proxy container (or its image) is set. */
  source?: FieldSource;
  /** How many istio-proxy containers the pod template holds (more than one is MESH001). */
  count: number;
  /** Each istio-proxy container's source, in order, when there are several. */
  sources: FieldSource[];
}

export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  root: string;
  source?: SourceLocation;
  sidecar: WorkloadSidecar;
  /** `istio.io/rev` on the pod template, when set. */
  podRevision?: { value: string; source?: SourceLocation };
}

export interface MeshNamespace {
  name: string;
  source?: SourceLocation;
  /** `istio-injection` label value. */
  injection?: { value: string; source?: SourceLocation };
  /** `istio.io/rev` label value. */
  revision?: { value: string; source?: SourceLocation };
}

export interface ControlPlane {
  /** `default` for the default revision. */
  revision: string;
  version?: string;
  /** Tags that point at this revision (`revisionTags`, or `defaultRevision` making it `default`). */
  tags: string[];
  chart?: ControlPlaneDeclaration['chart'];
  source?: SourceLocation;
  values: Record<string, unknown>;
  meshConfig?: Record<string, unknown>;
  declarations: ControlPlaneDeclaration[];
}

export interface MeshComponent {
  component: 'gateway' | 'cni' | 'ztunnel';
  name: string;
  namespace?: string;
  version?: string;
  revision?: string;
  source?: SourceLocation;
  /** Absent when the component is rendered as a plain Deployment or DaemonSet. */
  declaration?: ControlPlaneDeclaration;
}

export interface MeshCluster {
  name: string;
  roots: MeshRoot[];
  controlPlanes: ControlPlane[];
  components: MeshComponent[];
  namespaces: MeshNamespace[];
  workloads: Workload[];
  objects: RenderedObject[];
}

export interface MeshModel {
  clusters: MeshCluster[];
  warnings: MeshWarning[];
}

export type MeshFindingCode = 'MESH001' | 'MESH002' | 'MESH003' | 'MESH004' | 'MESH005' | 'MESH006';

export interface MeshFinding {
  code: MeshFindingCode;
  level: 'Error' | 'Warning';
  cluster: string;
  /** `<Kind> <namespace>/<name>` of the object it is about. */
  origin: string;
  message: string;
  hint: string;
  file?: string;
  line?: number;
}
