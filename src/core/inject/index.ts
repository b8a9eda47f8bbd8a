// The batching kube-inject pipeline: renderSidecars and the pieces other modules may reuse.
export { renderSidecars } from './render-sidecars.js';
export { renderRevisionSidecars, type RevisionSidecarsRequest } from './revision-sidecars.js';
export type { InjectSelection } from './selection.js';
export { INJECT_SELECTIONS } from './selection.js';
export { INJECT_OUTPUT_MODES } from './types.js';
export type {
  InjectOutputMode,
  RenderSidecarsDeps,
  RenderSidecarsOptions,
  RenderSidecarsResult,
  WorkloadResult,
} from './types.js';
export { splitYamlDocuments, replaceDocumentBodies } from './documents.js';
export type { YamlDocumentSlice } from './documents.js';
export { WORKLOAD_KINDS } from './workloads.js';
export type { Sidecar, SkipReason, Workload, WorkloadKind } from './workloads.js';
