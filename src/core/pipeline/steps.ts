// The changes a pipeline step writes: bump the control plane pins, re-render the proxies (and the
// proxy pins outside rendered workloads), or move Istio's sources off retired hosts.
import { bumpIstioVersion, type BumpResult } from '../bump/bump.js';
import { renderSidecars } from '../inject/render-sidecars.js';
import { nativeSidecarsChoice } from '../istioctl/offline-config.js';
import type { Logger } from '../logger.js';
import type { MeshBuild } from '../mesh/model.js';
import { applySplices } from '../pins/splice.js';
import type { ReleaseTarget } from '../releases/release-target.js';
import type { UpgradeContext, UpgradePin } from '../report/pr-body.js';
import { moveSplice } from '../sources/engine.js';
import type { SourceMove } from '../sources/types.js';
import type { UpgradePlan } from './plan.js';
import type { PipelineRunRequest } from './types.js';

export interface Change {
  from: string;
  files: string[];
  pins: UpgradePin[];
  workloads?: UpgradeContext['workloads'];
  /** Chart and image locations moved off retired hosts in this change. */
  moves: SourceMove[];
  /** The data-plane step: per workload from → to, origin and mode, and the one-proxy proof line. */
  dataPlaneTable?: string;
}

/** The "move Istio sources" step: only locations change, every one the plan found on a retired host. */
export function moveSources(workspace: string, plan: UpgradePlan, logger: Logger): Change {
  const files = applySplices(workspace, plan.sources.moves.map(moveSplice), { logger });
  return { from: plan.controlPlane.current, files, pins: [], moves: plan.sources.moves };
}

export function bumpControlPlane(
  request: PipelineRunRequest,
  target: ReleaseTarget,
  paths: string[],
  logger: Logger,
): Change {
  const bump = bumpIstioVersion({
    root: request.workspace,
    target,
    paths,
    role: 'control-plane',
    logger,
    now: request.now,
  });
  return {
    from: bump.previousVersions[0] ?? target.version,
    files: bump.changedFiles,
    moves: bump.sourcePlan.moves,
    pins: pinsOf(bump.plan.edits),
  };
}

export async function renderDataPlane(
  request: PipelineRunRequest,
  plan: Pick<UpgradePlan, 'target' | 'dataPlane'>,
  istioctl: string,
  paths: string[],
  target: ReleaseTarget,
  logger: Logger,
  more: {
    /** A canary hop's new revision: its injector renders the sidecars. */
    revision?: string;
    /** The run's mesh model, when nothing was written since it was built. */
    mesh?: MeshBuild;
    /** Installs another version's istioctl, for a revision whose control plane runs that version. */
    installIstioctl?: (version: string) => Promise<string>;
  } = {},
): Promise<Change> {
  const { revision, mesh, installIstioctl } = more;
  const dp = request.config.dataPlane;
  const rendered = await renderSidecars(
    {
      workspace: request.workspace,
      paths,
      version: plan.target,
      istioctl,
      // Configured paths are the repo's choice; without them, the webhook's rules decide (ADR 0009).
      selection: dp.paths ? 'paths' : 'webhook',
      revision: revision ?? dp.revision,
      // A canary's or Sail's move: every sidecar in the paths goes to that revision.
      ...(revision ? { pinRevision: true } : {}),
      valuesFile: dp.valuesFile,
      operatorFile: dp.operatorFile,
      nativeSidecars: nativeSidecarsChoice(dp.nativeSidecars),
      kubernetesVersion: request.kubernetesVersion ?? dp.kubernetesVersion,
      output: dp.output,
      outputDir: dp.outputDir,
    },
    { logger, ...(mesh ? { mesh } : {}), ...(installIstioctl ? { installIstioctl } : {}) },
  );
  // Proxy pins outside rendered workloads (proxyImage annotations, gateway images) follow too.
  const rest = bumpIstioVersion({
    root: request.workspace,
    target,
    paths,
    role: 'data-plane',
    logger,
    now: request.now,
  });
  return {
    from: plan.dataPlane.versions[0] ?? plan.target!,
    files: [...new Set([...rendered.changedFiles, ...rest.changedFiles])].sort(),
    pins: pinsOf(rest.plan.edits),
    workloads: { ...workloadCounts(rendered.workloads), failed: 0, files: rendered.changedFiles.length },
    moves: rest.sourcePlan.moves,
    dataPlaneTable: dataPlaneTable(rendered.summary),
  };
}

function workloadCounts(workloads: readonly { status: string }[]) {
  const counts = { rendered: 0, unchanged: 0, skipped: 0 };
  for (const w of workloads) {
    if (w.status === 'injected') counts.rendered++;
    else if (w.status === 'unchanged') counts.unchanged++;
    else counts.skipped++;
  }
  return counts;
}

/** A bump's edits as the PR body lists them. */
export function pinsOf(edits: BumpResult['plan']['edits']): UpgradePin[] {
  return edits.map((e) => ({
    file: e.pin.file,
    line: e.pin.line,
    kind: e.pin.kind,
    from: e.pin.version,
    to: e.target,
  }));
}

/** The inject summary's per-workload table and proof line, without its own heading. */
function dataPlaneTable(summary: string): string | undefined {
  const body = summary.split('\n').slice(1).join('\n').trim();
  return body ? `#### Sidecars\n\n${body}` : undefined;
}
