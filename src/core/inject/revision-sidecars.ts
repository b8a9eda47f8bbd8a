// The entry for rollout steps (canary: move workloads to a new revision): render the sidecars of the
// given workload files with revision R's injector at version V, everything else as renderSidecars does
// it (the repo's values for R, mode kept, one proxy per pod checked before writing, all or nothing).
import { renderSidecars } from './render-sidecars.js';
import type { InjectOutputMode, RenderSidecarsDeps, RenderSidecarsResult } from './types.js';

export interface RevisionSidecarsRequest {
  workspace: string;
  /** Workspace-relative files (or globs) of the workloads to re-render; each workload under them is injected. */
  files: readonly string[];
  /** The revision whose injector renders them (`default` for the default revision). */
  revision: string;
  /** The Istio version of that revision's control plane. */
  version: string;
  /** An istioctl binary of `version`; else `deps.installIstioctl`. */
  istioctl?: string;
  output?: InjectOutputMode;
  /** Compute everything, write nothing. */
  dryRun?: boolean;
  cacheDir?: string | false;
}

export function renderRevisionSidecars(
  request: RevisionSidecarsRequest,
  deps: RenderSidecarsDeps = {},
): Promise<RenderSidecarsResult> {
  return renderSidecars(
    {
      workspace: request.workspace,
      paths: request.files,
      selection: 'paths',
      revision: request.revision,
      pinRevision: true,
      version: request.version,
      ...(request.istioctl ? { istioctl: request.istioctl } : {}),
      ...(request.output ? { output: request.output } : {}),
      ...(request.dryRun ? { dryRun: true } : {}),
      ...(request.cacheDir !== undefined ? { cacheDir: request.cacheDir } : {}),
    },
    deps,
  );
}
