// One pipeline run: plan, then make the change the plan calls for (bump the control plane, re-render
// the proxies, or move Istio's sources off retired hosts), check it with istioctl analyze, and open or
// update that one PR, telling the reviewer which upgrade notes apply.
import { openUpgradePullRequest } from '../github/upgrade-pull-request.js';
import { analyzeManifests } from '../istioctl/analyze.js';
import type { Logger } from '../logger.js';
import type { ReleaseCheck } from '../releases/check-release.js';
import { checkReleaseTarget } from '../releases/release-target.js';
import { gatherReleaseSources, releaseListOf, type ReleaseSources } from '../releases/sources.js';
import { analysisNote, releaseNotesUrl, type AnalysisOutcome } from '../report/pipeline-notes.js';
import type { UpgradeContext } from '../report/pr-body.js';
import { minorOf } from '../versions/parse.js';
import { buildMesh, type MeshBuild } from '../mesh/model.js';
import { pipelinePaths, planUpgrade, type UpgradePlan } from './plan.js';
import { notesContext } from './upgrade-notes.js';
import { runFleetPipeline } from './fleet.js';
import { runCanaryStep, sailStepChange, writeSailMove } from './canary.js';
import { bumpNodeAgents } from './ambient.js';
import { configuredPullRequest } from './pull-request-settings.js';
import { bumpControlPlane, moveSources, renderDataPlane, type Change } from './steps.js';
import type { PipelineRunDeps, PipelineRunRequest, PipelineRunResult } from './types.js';

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
  const plan = planUpgrade({
    workspace: request.workspace,
    model: mesh.model,
    config,
    sources,
    kubernetesVersion: request.kubernetesVersion ?? config.dataPlane.kubernetesVersion,
    logger,
    now: request.now,
  });
  logger.info(plan.reason);
  if (config.waves)
    return runFleetPipeline(request, deps, plan, mesh.model, sources, {
      runWithoutWaves: runUpgradePipeline,
    });
  if (plan.step === 'none' || !plan.target) return { plan, operation: 'none', changedFiles: [] };
  if (request.dryRun) return { plan, operation: 'planned', changedFiles: plan.files };

  const target = plan.target;
  // A control plane bump without analysis needs no istioctl: install it only when something runs it.
  let installed: Promise<string> | undefined;
  const istioctl = () => (installed ??= deps.installIstioctl(target));
  const change = await writeChange(request, plan, {
    sources,
    mesh,
    istioctl,
    install: deps.installIstioctl,
    logger,
  });
  // Moving locations changes no manifest analyze reads: no istioctl for the sources step.
  const analysis =
    request.analyze !== false && plan.step !== 'sources'
      ? await analyzeChange(request, target, await istioctl(), logger)
      : undefined;
  return openChangePullRequest(request, deps, plan, change, analysis);
}

interface ChangeDeps {
  sources: ReleaseSources;
  mesh: MeshBuild;
  istioctl: () => Promise<string>;
  /** Another version's istioctl (a revision whose control plane runs another version). */
  install: (version: string) => Promise<string>;
  logger: Logger;
}

/** Writes the plan's step: a canary step, a sources move, a control plane bump or a data plane render. */
async function writeChange(
  request: PipelineRunRequest,
  plan: UpgradePlan,
  deps: ChangeDeps,
): Promise<Change & { title?: string; body?: string }> {
  const { logger, istioctl } = deps;
  const target = plan.target!;
  const paths = pipelinePaths(request.config);
  // The sources step keeps the version: only a bump's target is checked against Istio's releases.
  const checked = () => checkReleaseTarget(target, releaseListOf(deps.sources, request.now), { logger });
  const canary = plan.canary;
  // The tag moves first, so the sidecars re-render against the mesh as it will be (ADR 0009 selection).
  const sailMove = plan.sail ? writeSailMove(request.workspace, plan.sail) : undefined;
  const change: Change & { title?: string; body?: string } = canary
    ? await runCanaryStep(request.workspace, canary, {
        sidecars: async () =>
          renderDataPlane(request, plan, await istioctl(), paths.dataPlane, checked(), logger, {
            revision: canary.revision,
            installIstioctl: deps.install,
          }),
        leftovers: () => bumpControlPlane(request, checked(), paths.controlPlane, logger),
      })
    : plan.step === 'sources'
      ? moveSources(request.workspace, plan, logger)
      : plan.step === 'cni' || plan.step === 'ztunnel'
        ? bumpNodeAgents(request.workspace, plan, checked(), logger, request.now)
        : plan.step === 'control-plane'
          ? bumpControlPlane(request, checked(), paths.controlPlane, logger)
          : await renderDataPlane(request, plan, await istioctl(), paths.dataPlane, checked(), logger, {
              ...(plan.sail ? { revision: plan.sail.revision } : {}),
              // A Sail move has just been written: the model built before it no longer says where tags point.
              ...(sailMove && sailMove.files.length > 0 ? {} : { mesh: deps.mesh }),
              installIstioctl: deps.install,
            });
  if (plan.sail && sailMove) {
    const sail = sailStepChange(plan.sail, sailMove, change.from, target);
    Object.assign(change, { ...sail, files: [...new Set([...change.files, ...sail.files])].sort() });
  }
  return change;
}

/** istioctl of the target analyzes the changed tree; a failure is logged and turns auto-merge off. */
async function analyzeChange(
  request: PipelineRunRequest,
  target: string,
  binary: string,
  logger: Logger,
): Promise<AnalysisOutcome> {
  const { config } = request;
  const paths = pipelinePaths(config);
  const result = await analyzeManifests({
    binary,
    version: target,
    cwd: request.workspace,
    paths: [...new Set([...paths.controlPlane, ...paths.dataPlane])],
    failureThreshold: config.analyze.failureThreshold,
    suppress: config.analyze.suppress,
    logger,
  });
  if (result.result === 'fail') {
    logger.warning(
      `istioctl ${target} analyze found ${result.counts.errors} errors in the changed tree; the PR is opened without auto-merge.`,
    );
  }
  return { result: result.result, counts: result.counts, findings: result.findings };
}

/** Opens or updates the run's one PR, with auto-merge off when analysis failed or a note blocks. */
async function openChangePullRequest(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  plan: UpgradePlan,
  change: Change & { title?: string; body?: string },
  analysis: AnalysisOutcome | undefined,
): Promise<PipelineRunResult> {
  const { logger } = deps;
  const target = plan.target!;
  // A note that blocks (CRDs too old, an unsupported Kubernetes) needs a person before the merge.
  const blocking = plan.notes.applies.filter((a) => a.action === 'block');
  for (const b of blocking) {
    logger.warning(`${b.note.title}: ${b.findings[0]?.what ?? ''}; the PR is opened without auto-merge.`);
  }
  const pr = request.config.pullRequest;
  const pullRequest = await openUpgradePullRequest(
    {
      ...configuredPullRequest(request, pr),
      paths: change.files,
      autoMerge: analysis?.result === 'fail' || blocking.length ? 'none' : pr.autoMerge,
      autoMergeWhen: pr.autoMergeWhen,
      ...(plan.step === 'sources' ? { title: "Move Istio's charts and images off the retired hosts" } : {}),
      ...(change.title ? { title: change.title } : {}),
      body:
        [change.body, analysis ? analysisNote(analysis, target) : undefined, change.dataPlaneTable]
          .filter(Boolean)
          .join('\n\n') || undefined,
      context: upgradeContext(plan, change),
    },
    { octokit: deps.github, logger, workspace: request.workspace },
  );
  return { plan, operation: pullRequest.operation, changedFiles: change.files, analysis, pullRequest };
}

/** What the PR body tells the reviewer about the hop: versions, advisories fixed, EOL, notes. */
function upgradeContext(plan: UpgradePlan, change: Change): UpgradeContext {
  const target = plan.target!;
  const check = plan.controlPlane.check;
  const sourcesOnly = plan.step === 'sources';
  return {
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
}

function fixedAdvisories(check: ReleaseCheck): UpgradeContext['advisoriesFixed'] {
  const fixed = new Set(check.fixedAdvisories);
  return check.advisories
    .filter((a) => fixed.has(a.id))
    .map((a) => ({ id: a.id, url: a.url, summary: a.summary, severity: a.severity, cves: a.cves }));
}
