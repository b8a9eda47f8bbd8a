// The kube-inject pipeline's options and result: the plain data callers pass in and get back.
import type { Logger } from '../logger.js';
import type { MeshBuild } from '../mesh/model.js';
import type { RenderCheck } from './render-check.js';
import type { InjectSelection } from './selection.js';
import type { Sidecar, SkipReason, Workload } from './workloads.js';

export type SidecarMode = 'native' | 'classic';

export type InjectOutputMode = 'in-place' | 'render-dir' | 'patches';
export const INJECT_OUTPUT_MODES: readonly InjectOutputMode[] = ['in-place', 'render-dir', 'patches'];

export interface RenderSidecarsOptions {
  /** The repository root; every path below is relative to it and must stay inside it. */
  workspace: string;
  /** Globs of workload manifests (`!glob` excludes); default every YAML file. */
  paths?: readonly string[];
  /** The Istio version whose injection template is used; default: the control plane version pinned in the repo. */
  version?: string;
  /** An istioctl binary; default: `deps.installIstioctl(version)`. */
  istioctl?: string;
  /**
   * The revision for workloads whose namespace and pod name none (default: the default revision).
   * A workload in a namespace labelled `istio-injection: enabled` or `istio.io/rev`, or whose pod
   * says `istio.io/rev`, is rendered by that revision's injector with its values (docs/adr/0009).
   */
  revision?: string;
  /** Every workload is rendered with `revision`, whatever its labels say (a canary's move). */
  pinRevision?: boolean;
  /**
   * Generate the injection config from the revision's values as the repo's control plane declares
   * them (HelmRelease, Argo CD, IstioOperator, Sail, values files; docs/adr/0009). Default true;
   * valuesFile and operatorFile are overrides on top.
   */
  repoValues?: boolean;
  /**
   * `webhook`: inject what Istio's webhook would (already injected, opted in, labelled namespaces);
   * `paths`: every workload under `paths`. Default: `paths` when paths are given, else `webhook`.
   */
  selection?: InjectSelection | 'auto';
  /** Helm values and IstioOperator overlays for the generated injection config. */
  valuesFile?: string;
  operatorFile?: string;
  /** Explicit offline files instead of generated ones (the injector's values as JSON). */
  injectConfigFile?: string;
  meshConfigFile?: string;
  injectorValuesFile?: string;
  nativeSidecars?: 'auto' | boolean;
  kubernetesVersion?: string;
  output?: InjectOutputMode;
  /** Where `render-dir` writes (workspace-relative). */
  outputDir?: string;
  failOnSkip?: boolean;
  /** Parallel istioctl processes; default the CPU count. */
  workers?: number;
  /** Compute everything, write nothing. */
  dryRun?: boolean;
  /**
   * Where injection results are remembered between runs (docs/adr/0008-injection-cache.md);
   * default `$ISTIO_AUTOPILOT_CACHE/inject`, else `~/.cache/istio-autopilot/inject`. False: no cache.
   */
  cacheDir?: string | false;
}

export interface RenderSidecarsDeps {
  logger?: Logger;
  /** The repo's mesh model when the caller already built it (else built here). */
  mesh?: MeshBuild;
  /** Installs istioctl `version` and returns the binary's path (the action passes the core installer). */
  installIstioctl?: (version: string) => Promise<string>;
}

export interface WorkloadResult extends Workload {
  /** Workspace-relative file, 1-based line of the document, and its index in the file. */
  file: string;
  line: number;
  document: number;
  status: 'injected' | 'unchanged' | 'skipped';
  /** The sidecar before the run (if any) and after it. */
  from?: Sidecar;
  to?: Sidecar;
  skipReason?: SkipReason;
  /** istioctl's own words for a skip. */
  skipMessage?: string;
  /** Where the sidecar lives in the repo, as the mesh model's source map says (inline, patch, overlay). */
  origin?: string;
}

export interface RenderSidecarsResult {
  version: string;
  revision?: string;
  istioctl: string;
  proxyImage: string;
  nativeSidecars: boolean;
  output: InjectOutputMode;
  /** Workspace-relative paths written (or that would be, with dryRun). */
  changedFiles: string[];
  workloads: WorkloadResult[];
  /** Workloads that carry the sidecar after the run (rewritten or already current). */
  injected: number;
  skipped: {
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    reason: SkipReason;
    message?: string;
  }[];
  istioctlProcesses: number;
  /** Workload documents istioctl was given this run; the rest were answered by the injection cache. */
  reinjectedDocuments: number;
  /** The changed repo rendered before writing (kustomize, Flux substitution): pods and their proxies. */
  renderCheck?: RenderCheck;
  /** Markdown grouped by namespace and version. */
  summary: string;
}
