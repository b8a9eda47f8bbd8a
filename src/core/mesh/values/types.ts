// The contract between the mesh model and the modules that find control-plane declarations and merge
// their values, one module per place values live (HelmRelease, Argo CD, IstioOperator, Sail, files).

/** Where a rendered object or field came from in the repo, for findings and later edits. */
export interface SourceLocation {
  /** Workspace-relative path with `/` separators. */
  file: string;
  /** 1-based line. */
  line: number;
}

/** One object of a rendered root (after kustomize and Flux substitution), with where it came from. */
export interface MeshObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The object as plain data. */
  object: Record<string, unknown>;
  /** The document in the repo that produced it, when the source map could tell. */
  source?: SourceLocation;
}

/** Reads a workspace-relative file through the workspace boundary; undefined when it is absent. */
export type WorkspaceFileReader = (path: string) => Promise<string | undefined>;

export interface ValuesLookupContext {
  /** Every object the cluster's roots render, for `valuesFrom` ConfigMaps and Secrets. */
  objects: readonly MeshObject[];
  readFile: WorkspaceFileReader;
  /**
   * Workspace-relative paths of the repo's files, for sources that work from files (umbrella charts,
   * helmfiles) and for Argo CD `valueFiles` globs. Without it those sources find nothing.
   */
  files?: readonly string[];
  /**
   * The URLs this repository is cloned from (`git remote get-url`, GitHub's clone URLs), so an Argo CD
   * source can tell a `repoURL` pointing at this repo from another one. Without it every `$ref` file
   * is unresolved.
   */
  repositoryUrls?: readonly string[];
}

/** One layer of values, lowest precedence first in `ControlPlaneDeclaration.layers`. */
export interface ValuesLayer {
  /** For people: `HelmRelease istio-system/istiod spec.values`, `ConfigMap istiod-values key values.yaml`. */
  description: string;
  source?: SourceLocation;
  values: Record<string, unknown>;
}

/** Something the declaration refers to that the repo cannot resolve: named in a warning, never dropped. */
export interface UnresolvedValues {
  /** For people: `Secret istio-system/istiod-secret-values`, `valueFiles ../shared/values.yaml`. */
  reference: string;
  reason: string;
  source?: SourceLocation;
}

export type ValuesSourceId =
  'flux-helmrelease' | 'argocd-application' | 'istio-operator' | 'sail-istio' | 'helm-values-file';

export type ControlPlaneComponent = 'base' | 'istiod' | 'gateway' | 'cni' | 'ztunnel';

/** A control-plane component as the repo declares it, with values merged as its installer merges them. */
export interface ControlPlaneDeclaration {
  sourceId: ValuesSourceId;
  component: ControlPlaneComponent;
  /** The declaring object (`HelmRelease istio-system/istiod`) or file. */
  name: string;
  namespace?: string;
  source?: SourceLocation;
  chart?: {
    name: string;
    /** Chart repository URL or OCI reference, as written. */
    repository?: string;
    /** The chart version as rendered (after Flux substitution), without a leading `v`. */
    version?: string;
  };
  /** The Istio version this declaration installs, when it says (chart version, `tag`, `spec.version`). */
  version?: string;
  /** `revision` from the values or spec; undefined for the default revision. */
  revision?: string;
  /** Lowest precedence first. */
  layers: ValuesLayer[];
  /** All layers merged as the installer would (Helm: deep-merge maps, replace lists and scalars). */
  values: Record<string, unknown>;
  /** IstioOperator `spec.meshConfig`, Sail `spec.values.meshConfig`, or `values.meshConfig`. */
  meshConfig?: Record<string, unknown>;
  unresolved: UnresolvedValues[];
  /** Things people may want to know that are not errors: an optional `valuesFrom` that is absent. */
  notes?: string[];
}

/** One place values live: finds its declarations among a cluster's rendered objects. */
export interface ValuesSource {
  id: ValuesSourceId;
  find(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]>;
}
