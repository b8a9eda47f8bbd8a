// One pipeline run: plan, then make the change the plan calls for (bump the control plane, re-render
// the proxies, or move Istio's sources off retired hosts), check it with istioctl analyze, and open or
// update that one PR, telling the reviewer which upgrade notes apply.
import type { RepoConfig } from '../config/repo-config.js';
import type { GitHubClient } from '../github/client.js';
import {
  openUpgradePullRequest,
  type OpenUpgradePullRequestResult,
  type PullRequestOperation,
} from '../github/upgrade-pull-request.js';
import { renderSidecars } from '../inject/render-sidecars.js';
import { analyzeManifests, type AnalyzeResult } from '../istioctl/analyze.js';
import { nativeSidecarsChoice } from '../istioctl/offline-config.js';
import type { Logger } from '../logger.js';
import { bumpIstioVersion } from '../bump/bump.js';
import type { ReleaseCheck } from '../releases/check-release.js';
import { checkReleaseTarget, type ReleaseTarget } from '../releases/release-target.js';
import { gatherReleaseSources, releaseListOf } from '../releases/sources.js';
import type { UpgradeContext, UpgradePin } from '../report/pr-body.js';
import { applySplices } from '../pins/splice.js';
import { moveSplice } from '../sources/engine.js';
import type { SourceMove } from '../sources/types.js';
import { minorOf } from '../versions/parse.js';
import { buildMesh, type MeshBuild } from '../mesh/model.js';
import { pipelinePaths, planUpgrade, type UpgradePlan } from './plan.js';
import { notesContext } from './upgrade-notes.js';
import { runFleetPipeline, type FleetResult } from './fleet.js';
import { runCanaryStep, sailStepChange, writeSailMove } from './canary.js';
import { bumpNodeAgents } from './ambient.js';
import { configuredPullRequest } from './pull-request-settings.js';

export interface PipelineRunRequest {
  workspace: string;
  config: RepoConfig;
  owner: string;
  repo: string;
  kubernetesVersion?: string;
  /** Run istioctl analyze on the change (default true). */
  analyze?: boolean;
  /** Plan only: no file is written and no PR is touched. */
  dryRun?: boolean;
  /** ETag cache for the release feed. */
  httpCacheDir?: string;
  now?: Date;
}

export interface PipelineRunDeps {
  github: GitHubClient;
  logger: Logger;
  /** Installs istioctl at a version and returns the binary. */
  installIstioctl: (version: string) => Promise<string>;
}

export interface PipelineRunResult {
  plan: UpgradePlan;
  operation: PullRequestOperation | 'planned';
  changedFiles: string[];
  analysis?: Pick<AnalyzeResult, 'result' | 'counts' | 'findings'>;
  pullRequest?: OpenUpgradePullRequestResult;
  /** With `waves`: every wave's state, gate and PR, and the dashboard issue. */
  fleet?: FleetResult;
}

export async function runUpgradePipeline(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
): Promise<PipelineRunResult> {
  const { logger } = deps;
  const { config } = request;
  const sources = await gatherReleaseSources(deps.github, {
    cacheDir: request.httpCacheDir,
    logger,
    now: request.now,
  });
  // Built once: planning reads it, and the data-plane step injects from it (deps.mesh).
  const mesh = await buildMesh(request.workspace, { logger });
  const model = mesh.model;
  const plan = planUpgrade({
    workspace: request.workspace,
    model,
    config,
    sources,
    kubernetesVersion: request.kubernetesVersion ?? config.dataPlane.kubernetesVersion,
    logger,
    now: request.now,
  });
  logger.info(plan.reason);
  if (config.waves)
    return runFleetPipeline(request, deps, plan, model, sources, {
      runWithoutWaves: runUpgradePipeline,
      renderDataPlane,
    });
  if (plan.step === 'none' || !plan.target) return { plan, operation: 'none', changedFiles: [] };
  if (request.dryRun) return { plan, operation: 'planned', changedFiles: plan.files };

  const target = plan.target;
  const { controlPlane: controlPlanePaths, dataPlane: dataPlanePaths } = pipelinePaths(config);
  // A control plane bump without analysis needs no istioctl: install it only when something runs it.
  let installed: Promise<string> | undefined;
  const istioctl = () => (installed ??= deps.installIstioctl(target));
  // The sources step keeps the version: only a bump's target is checked against Istio's releases.
  const checked = () => checkReleaseTarget(target, releaseListOf(sources, request.now), { logger });
  const canary = plan.canary;
  // The tag moves first, so the sidecars re-render against the mesh as it will be (ADR 0009 selection).
  const sailMove = plan.sail ? writeSailMove(request.workspace, plan.sail) : undefined;
  const change: Change & { title?: string; body?: string } = canary
    ? await runCanaryStep(request.workspace, canary, {
        sidecars: async () =>
          renderDataPlane(
            request,
            plan,
            await istioctl(),
            dataPlanePaths,
            checked(),
            logger,
            canary.revision,
          ),
        leftovers: () => bumpControlPlane(request, checked(), controlPlanePaths, logger),
      })
    : plan.step === 'sources'
      ? moveSources(request.workspace, plan, logger)
      : plan.step === 'cni' || plan.step === 'ztunnel'
        ? bumpNodeAgents(request.workspace, plan, checked(), logger, request.now)
        : plan.step === 'control-plane'
          ? bumpControlPlane(request, checked(), controlPlanePaths, logger)
          : await renderDataPlane(
              request,
              plan,
              await istioctl(),
              dataPlanePaths,
              checked(),
              logger,
              plan.sail?.revision,
              // A Sail move has just been written: the model built before it no longer says where tags point.
              sailMove && sailMove.files.length > 0 ? undefined : mesh,
            );
  if (plan.sail && sailMove) {
    const sail = sailStepChange(plan.sail, sailMove, change.from, target);
    Object.assign(change, { ...sail, files: [...new Set([...change.files, ...sail.files])].sort() });
  }

  let analysis: PipelineRunResult['analysis'];
  // Moving locations changes no manifest analyze reads: no istioctl for the sources step.
  if (request.analyze !== false && plan.step !== 'sources') {
    const result = await analyzeManifests({
      binary: await istioctl(),
      version: target,
      cwd: request.workspace,
      paths: [...new Set([...controlPlanePaths, ...dataPlanePaths])],
      failureThreshold: config.analyze.failureThreshold,
      suppress: config.analyze.suppress,
      logger,
    });
    analysis = { result: result.result, counts: result.counts, findings: result.findings };
    if (result.result === 'fail') {
      logger.warning(
        `istioctl ${target} analyze found ${result.counts.errors} errors in the changed tree; the PR is opened without auto-merge.`,
      );
    }
  }

  const check = plan.controlPlane.check;
  const sourcesOnly = plan.step === 'sources';
  const context: UpgradeContext = {
    component: plan.step,
    ...(sourcesOnly ? {} : { from: change.from, to: target }),
    policy: check.policy,
    inPolicy: true,
    advisoriesFixed: fixedAdvisories(check),
    endOfLife: check.eolDate
      ? [{ minor: minorOf(check.current), date: check.eolDate, passed: check.eol }]
      : [],
    releaseNotes: sourcesOnly ? [] : [{ version: target, url: releaseNotesUrl(target) }],
    pins: change.pins,
    ...(change.workloads ? { workloads: change.workloads } : {}),
    ...notesContext(plan, change.moves),
  };
  // A note that blocks (CRDs too old, an unsupported Kubernetes) needs a person before the merge.
  const blocking = plan.notes.applies.filter((a) => a.action === 'block');
  for (const b of blocking) {
    logger.warning(`${b.note.title}: ${b.findings[0]?.what ?? ''}; the PR is opened without auto-merge.`);
  }
  const pr = config.pullRequest;
  const pullRequest = await openUpgradePullRequest(
    {
      ...configuredPullRequest(request, pr),
      paths: change.files,
      autoMerge: analysis?.result === 'fail' || blocking.length ? 'none' : pr.autoMerge,
      autoMergeWhen: pr.autoMergeWhen,
      ...(sourcesOnly ? { title: "Move Istio's charts and images off the retired hosts" } : {}),
      ...(change.title ? { title: change.title } : {}),
      body:
        [change.body, analysis ? analysisNote(analysis, target) : undefined, change.dataPlaneTable]
          .filter(Boolean)
          .join('\n\n') || undefined,
      context,
    },
    { octokit: deps.github, logger, workspace: request.workspace },
  );
  return { plan, operation: pullRequest.operation, changedFiles: change.files, analysis, pullRequest };
}

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
function moveSources(workspace: string, plan: UpgradePlan, logger: Logger): Change {
  const files = applySplices(workspace, plan.sources.moves.map(moveSplice), { logger });
  return { from: plan.controlPlane.current, files, pins: [], moves: plan.sources.moves };
}

function bumpControlPlane(
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
    pins: bump.plan.edits.map((e) => ({
      file: e.pin.file,
      line: e.pin.line,
      kind: e.pin.kind,
      from: e.pin.version,
      to: e.target,
    })),
  };
}

async function renderDataPlane(
  request: PipelineRunRequest,
  plan: Pick<UpgradePlan, 'target' | 'dataPlane'>,
  istioctl: string,
  paths: string[],
  target: ReleaseTarget,
  logger: Logger,
  /** A canary hop's new revision: its injector renders the sidecars. */
  revision?: string,
  /** The run's mesh model, when nothing was written since it was built. */
  mesh?: MeshBuild,
): Promise<Change> {
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
    { logger, ...(mesh ? { mesh } : {}) },
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
  const counts = { rendered: 0, unchanged: 0, skipped: 0 };
  for (const w of rendered.workloads) {
    if (w.status === 'injected') counts.rendered++;
    else if (w.status === 'unchanged') counts.unchanged++;
    else counts.skipped++;
  }
  const files = [...new Set([...rendered.changedFiles, ...rest.changedFiles])].sort();
  return {
    from: plan.dataPlane.versions[0] ?? plan.target!,
    files,
    pins: rest.plan.edits.map((e) => ({
      file: e.pin.file,
      line: e.pin.line,
      kind: e.pin.kind,
      from: e.pin.version,
      to: e.target,
    })),
    workloads: { ...counts, failed: 0, files: rendered.changedFiles.length },
    moves: rest.sourcePlan.moves,
    dataPlaneTable: dataPlaneTable(rendered.summary),
  };
}

/** The inject summary's per-workload table and proof line, without its own heading. */
function dataPlaneTable(summary: string): string | undefined {
  const body = summary.split('\n').slice(1).join('\n').trim();
  return body ? `#### Sidecars\n\n${body}` : undefined;
}

function fixedAdvisories(check: ReleaseCheck): UpgradeContext['advisoriesFixed'] {
  const fixed = new Set(check.fixedAdvisories);
  return check.advisories
    .filter((a) => fixed.has(a.id))
    .map((a) => ({ id: a.id, url: a.url, summary: a.summary, severity: a.severity, cves: a.cves }));
}

/** istio.io's announcement page for a release. */
function releaseNotesUrl(version: string): string {
  return `https://istio.io/latest/news/releases/${minorOf(version)}.x/announcing-${version}/`;
}

export function analysisNote(analysis: NonNullable<PipelineRunResult['analysis']>, target: string): string {
  const { errors, warnings, infos } = analysis.counts;
  const head = `**istioctl ${target} analyze**: ${analysis.result === 'pass' ? 'passed' : 'FAILED'} (${errors} errors, ${warnings} warnings, ${infos} infos).`;
  const rows = analysis.findings
    .slice(0, 20)
    .map(
      (f) =>
        `- \`${f.code}\` ${f.level} ${f.file ? `\`${f.file}${f.line ? `:${f.line}` : ''}\`` : ''} ${f.message}`,
    );
  return [head, ...rows, analysis.findings.length > 20 ? `- …and ${analysis.findings.length - 20} more` : '']
    .filter(Boolean)
    .join('\n');
}
