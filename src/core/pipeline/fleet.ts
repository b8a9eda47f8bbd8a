// The pipeline with `waves`: plan the fleet wave by wave, open each ungated wave's own control plane
// PR, and keep the dashboard issue current. Kept apart from run.ts, which only hands over to it.
import type { GitHubClient } from '../github/client.js';
import { openUpgradePullRequest, type PullRequestOperation } from '../github/upgrade-pull-request.js';
import type { MeshModel } from '../mesh/types.js';
import type { ReleaseSources } from '../releases/sources.js';
import { upsertDashboard, type DashboardResult } from '../rollout/dashboard/dashboard.js';
import { planFleet, runFleet, type FleetRun } from '../rollout/waves/rollout.js';
import { minorOf } from '../versions/parse.js';
import type { Logger } from '../logger.js';
import { checkReleaseTarget, type ReleaseTarget } from '../releases/release-target.js';
import { releaseListOf } from '../releases/sources.js';
import type { UpgradeContext } from '../report/pr-body.js';
import { analyzeManifests } from '../istioctl/analyze.js';
import type { SourceMove } from '../sources/types.js';
import { pipelinePaths, type UpgradePlan } from './plan.js';
import {
  analysisNote,
  type PipelineRunDeps,
  type PipelineRunRequest,
  type PipelineRunResult,
} from './run.js';
import { configuredPullRequest } from './pull-request-settings.js';

export interface FleetResult {
  fleet: FleetRun;
  dashboard?: DashboardResult;
}

/** The pipeline's own steps the fleet reuses, handed over by run.ts. */
export interface FleetSteps {
  /** The pipeline without waves: run when every wave's control plane is current. */
  runWithoutWaves: (request: PipelineRunRequest, deps: PipelineRunDeps) => Promise<PipelineRunResult>;
  /** Re-renders the proxies in `paths` at `target` (the data plane step's change). */
  renderDataPlane: (
    request: PipelineRunRequest,
    plan: Pick<UpgradePlan, 'target' | 'dataPlane'>,
    istioctl: string,
    paths: string[],
    target: ReleaseTarget,
    logger: Logger,
  ) => Promise<{ files: string[]; pins: UpgradeContext['pins']; workloads?: UpgradeContext['workloads'] }>;
}

export async function runFleetPipeline(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  plan: UpgradePlan,
  model: MeshModel,
  sources: ReleaseSources,
  steps: FleetSteps,
): Promise<PipelineRunResult> {
  const { runWithoutWaves } = steps;
  const { config } = request;
  const { logger } = deps;
  const fleetRequest = {
    workspace: request.workspace,
    owner: request.owner,
    repo: request.repo,
    waves: config.waves ?? [],
    model,
    pins: plan.pins,
    sources,
    policy: config.policy,
    strategy: config.strategy,
    includePrereleases: config.includePrereleases,
    kubernetesVersion: request.kubernetesVersion ?? config.dataPlane.kubernetesVersion,
    now: request.now,
    logger,
    github: deps.github as GitHubClient,
    controlPlanePaths: pipelinePaths(config).controlPlane,
  };
  const fleetPlan = await planFleet(fleetRequest);
  const pr = config.pullRequest;
  const check = plan.controlPlane.check;
  let first: { operation: PullRequestOperation; number: number; url: string } | undefined;
  const fleet = await runFleet(
    fleetRequest,
    fleetPlan,
    {
      openPullRequest: async (wave) => {
        // Like the ordinary control plane step: istioctl of the target analyzes the changed tree.
        const paths = pipelinePaths(config);
        const analysis =
          request.analyze === false
            ? undefined
            : await analyzeManifests({
                binary: await deps.installIstioctl(wave.to),
                version: wave.to,
                cwd: request.workspace,
                paths: [...new Set([...paths.controlPlane, ...paths.dataPlane])],
                failureThreshold: config.analyze.failureThreshold,
                suppress: config.analyze.suppress,
                logger,
              });
        if (analysis?.result === 'fail')
          logger.warning(
            `istioctl ${wave.to} analyze found ${analysis.counts.errors} errors in wave ${wave.wave}'s tree.`,
          );
        const body = [movesNote(wave.moves), analysis ? analysisNote(analysis, wave.to) : undefined]
          .filter(Boolean)
          .join('\n\n');
        const opened = await openUpgradePullRequest(
          {
            ...configuredPullRequest(request, pr),
            branch: wave.branch,
            paths: wave.files,
            // A wave's PR is a gate for the next one: a person (or the required checks) merges it.
            autoMerge: 'none',
            ...(body ? { body } : {}),
            context: {
              component: wave.component,
              from: wave.from,
              to: wave.to,
              policy: check.policy,
              inPolicy: true,
              releaseNotes: [
                {
                  version: wave.to,
                  url: `https://istio.io/latest/news/releases/${minorOf(wave.to)}.x/announcing-${wave.to}/`,
                },
              ],
              pins: wave.edits.map((e) => ({
                file: e.pin.file,
                line: e.pin.line,
                kind: e.pin.kind,
                from: e.pin.version,
                to: e.target,
              })),
            },
          },
          { octokit: deps.github, logger, workspace: request.workspace },
        );
        const pull = opened.pullRequest;
        if (!pull) return undefined;
        first ??= { operation: opened.operation, ...pull };
        return { ...pull, operation: opened.operation };
      },
      openDataPlanePullRequest: async (wave) => {
        const target = checkReleaseTarget(wave.to, releaseListOf(sources, request.now), { logger });
        const istioctl = await deps.installIstioctl(wave.to);
        const change = await steps.renderDataPlane(
          request,
          { target: wave.to, dataPlane: { versions: [wave.from], laggingFiles: wave.files } },
          istioctl,
          wave.files,
          target,
          logger,
        );
        if (change.files.length === 0) return undefined;
        const opened = await openUpgradePullRequest(
          {
            ...configuredPullRequest(request, pr),
            branch: wave.branch,
            paths: change.files,
            autoMerge: 'none',
            context: {
              component: wave.component,
              from: wave.from,
              to: wave.to,
              policy: check.policy,
              inPolicy: true,
              pins: change.pins,
              ...(change.workloads ? { workloads: change.workloads } : {}),
            },
          },
          { octokit: deps.github, logger, workspace: request.workspace },
        );
        const pull = opened.pullRequest;
        if (!pull) return undefined;
        first ??= { operation: opened.operation, ...pull };
        return { ...pull, operation: opened.operation, files: change.files };
      },
    },
    { dryRun: request.dryRun },
  );
  // Every control plane is current: the data plane and sources steps run as they do without waves.
  const settled = fleet.waves.every((w) => w.state === 'current' || w.state === 'no-pins');
  if (settled && plan.step !== 'none' && plan.step !== 'control-plane') {
    const single = await runWithoutWaves({ ...request, config: { ...config, waves: undefined } }, deps);
    const dashboard =
      config.dashboard && !request.dryRun
        ? await upsertDashboard(deps.github, { owner: request.owner, repo: request.repo, fleet, logger })
        : undefined;
    return { ...single, fleet: { fleet, ...(dashboard ? { dashboard } : {}) } };
  }
  const dashboard =
    config.dashboard && !request.dryRun
      ? await upsertDashboard(deps.github, { owner: request.owner, repo: request.repo, fleet, logger })
      : undefined;
  const opened = first as { operation: PullRequestOperation; number: number; url: string } | undefined;
  const openedWave = fleet.waves.find((w) => w.pullRequest);
  const fleetPlanView: UpgradePlan = {
    ...plan,
    step: openedWave ? (openedWave.dataPlane ? 'data-plane' : 'control-plane') : 'none',
    reason: fleet.waves.map((w) => w.message).join(' '),
    target: openedWave ? (openedWave.dataPlane?.target ?? openedWave.target) : undefined,
  };
  return {
    plan: fleetPlanView,
    operation: request.dryRun ? 'planned' : (opened?.operation ?? 'none'),
    changedFiles: fleet.changedFiles,
    ...(opened
      ? {
          pullRequest: {
            operation: opened.operation,
            branch: '',
            base: pr.base ?? '',
            pullRequest: { number: opened.number, url: opened.url },
            autoMergeEnabled: false,
            superseded: [],
          },
        }
      : {}),
    fleet: { fleet, ...(dashboard ? { dashboard } : {}) },
  };
}

/** The wave PR's list of Istio locations moved off retired hosts. */
function movesNote(moves: readonly SourceMove[]): string | undefined {
  if (moves.length === 0) return undefined;
  const rows = moves.map(
    (m) => `- \`${m.source.file}:${m.source.line}\` \`${m.source.value}\` → \`${m.replacement}\``,
  );
  return [
    `**Istio sources moved off retired hosts** (${moves.length}), in this wave's files only:`,
    ...rows,
  ].join('\n');
}
