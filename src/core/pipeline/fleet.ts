// The pipeline with `waves`: plan the fleet wave by wave, open each ungated wave's own control plane
// PR, and keep the dashboard issue current. Kept apart from run.ts, which only hands over to it.
import type { GitHubClient } from '../github/client.js';
import { openUpgradePullRequest, type PullRequestOperation } from '../github/upgrade-pull-request.js';
import { analyzeManifests } from '../istioctl/analyze.js';
import type { MeshModel } from '../mesh/types.js';
import { checkReleaseTarget } from '../releases/release-target.js';
import { releaseListOf, type ReleaseSources } from '../releases/sources.js';
import { analysisNote, releaseNotesUrl } from '../report/pipeline-notes.js';
import type { UpgradeContext } from '../report/pr-body.js';
import { upsertDashboard } from '../rollout/dashboard/dashboard.js';
import {
  planFleet,
  runFleet,
  type FleetRequest,
  type FleetRun,
  type FleetRunDeps,
  type WavePullRequest,
} from '../rollout/waves/rollout.js';
import { pipelinePaths, type UpgradePlan } from './plan.js';
import { configuredPullRequest } from './pull-request-settings.js';
import { pinsOf, renderDataPlane } from './steps.js';
import { hopNotes, notesContext } from './upgrade-notes.js';
import type { FleetResult, PipelineRunDeps, PipelineRunRequest, PipelineRunResult } from './types.js';

/** What run.ts hands over: the pipeline without waves, run when every wave's control plane is current. */
export interface FleetSteps {
  runWithoutWaves: (request: PipelineRunRequest, deps: PipelineRunDeps) => Promise<PipelineRunResult>;
}

type OpenedPullRequest = { operation: PullRequestOperation; number: number; url: string };

export async function runFleetPipeline(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  plan: UpgradePlan,
  model: MeshModel,
  sources: ReleaseSources,
  steps: FleetSteps,
): Promise<PipelineRunResult> {
  const { config } = request;
  const fleetRequest = fleetRequestOf(request, deps, plan, model, sources);
  const fleetPlan = await planFleet(fleetRequest);
  let first: OpenedPullRequest | undefined;
  const opened = <
    T extends { pullRequest?: { number: number; url: string }; operation: PullRequestOperation },
  >(
    result: T,
  ) => {
    const pull = result.pullRequest;
    if (pull) first ??= { operation: result.operation, ...pull };
    return pull;
  };
  const fleet = await runFleet(fleetRequest, fleetPlan, waveOpeners(request, deps, plan, sources, opened), {
    dryRun: request.dryRun,
  });
  // Every control plane is current: the data plane and sources steps run as they do without waves.
  const settled = fleet.waves.every((w) => w.state === 'current' || w.state === 'no-pins');
  const single =
    settled && plan.step !== 'none' && plan.step !== 'control-plane'
      ? await steps.runWithoutWaves({ ...request, config: { ...config, waves: undefined } }, deps)
      : undefined;
  const dashboard =
    config.dashboard && !request.dryRun
      ? await upsertDashboard(deps.github, {
          owner: request.owner,
          repo: request.repo,
          fleet,
          logger: deps.logger,
        })
      : undefined;
  const result: FleetResult = { fleet, ...(dashboard ? { dashboard } : {}) };
  if (single) return { ...single, fleet: result };
  return fleetRunResult(request, plan, fleet, first, result);
}

function fleetRequestOf(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  plan: UpgradePlan,
  model: MeshModel,
  sources: ReleaseSources,
): FleetRequest {
  const { config } = request;
  return {
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
    logger: deps.logger,
    github: deps.github as GitHubClient,
    controlPlanePaths: pipelinePaths(config).controlPlane,
  };
}

type Opened = (result: {
  pullRequest?: { number: number; url: string };
  operation: PullRequestOperation;
}) => { number: number; url: string } | undefined;

type WaveOpen = (
  wave: WaveRequest,
  paths: string[],
  more: { body?: string; context: UpgradeContext },
) => Promise<({ number: number; url: string } & { operation: PullRequestOperation }) | undefined>;
type WaveRequest = Omit<WavePullRequest, 'edits' | 'moves'>;

/** How each wave's PR is opened: its control plane bump (analyzed), or its proxies re-rendered. */
function waveOpeners(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  plan: UpgradePlan,
  sources: ReleaseSources,
  opened: Opened,
): FleetRunDeps {
  const open: WaveOpen = async (wave, paths, more) => {
    const result = await openUpgradePullRequest(
      {
        ...configuredPullRequest(request, request.config.pullRequest),
        branch: wave.branch,
        paths,
        // A wave's PR is a gate for the next one: a person (or the required checks) merges it.
        autoMerge: 'none',
        ...more,
      },
      { octokit: deps.github, logger: deps.logger, workspace: request.workspace },
    );
    const pull = opened(result);
    return pull ? { ...pull, operation: result.operation } : undefined;
  };
  const policy = plan.controlPlane.check.policy;
  return {
    openPullRequest: async (wave) => {
      const body = await analyzeWave(request, deps, wave);
      const context: UpgradeContext = {
        ...waveContext(wave, policy),
        releaseNotes: [{ version: wave.to, url: releaseNotesUrl(wave.to) }],
        pins: pinsOf(wave.edits),
        ...waveNotes(request, deps, wave),
      };
      return open(wave, wave.files, { ...(body ? { body } : {}), context });
    },
    openDataPlanePullRequest: (wave) => openWaveDataPlane(request, deps, sources, wave, { open, policy }),
  };
}

/**
 * The upgrade notes of the wave's own hop, judged on the repo's Istio files as the single PR's are
 * (a shared base's values reach every wave), and the wave's moves off retired hosts. A note that
 * blocks is said in the log too (wave PRs never auto-merge anyway).
 */
function waveNotes(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  wave: WavePullRequest,
): Partial<UpgradeContext> {
  const { controlPlane, dataPlane } = pipelinePaths(request.config);
  const paths = [...new Set([...controlPlane, ...dataPlane])];
  const found = wave.moves.map((m) => m.source);
  const notes = hopNotes({
    from: wave.from,
    to: wave.to,
    workspace: request.workspace,
    paths,
    logger: deps.logger,
    kubernetesVersion: request.kubernetesVersion ?? request.config.dataPlane.kubernetesVersion,
    sources: found,
    moves: wave.moves,
  });
  for (const b of notes.applies.filter((a) => a.action === 'block'))
    deps.logger.warning(`wave ${wave.wave}: ${b.note.title}: ${b.findings[0]?.what ?? ''}`);
  return notesContext({ notes, sources: { found } }, wave.moves);
}

function waveContext(wave: WaveRequest, policy: string) {
  return { component: wave.component, from: wave.from, to: wave.to, policy, inPolicy: true };
}

/** The wave's proxies re-rendered at its control plane version, in their own PR (none if nothing changed). */
async function openWaveDataPlane(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  sources: ReleaseSources,
  wave: WaveRequest,
  how: { open: WaveOpen; policy: string },
) {
  const { logger } = deps;
  const target = checkReleaseTarget(wave.to, releaseListOf(sources, request.now), { logger });
  const change = await renderDataPlane(
    request,
    { target: wave.to, dataPlane: { versions: [wave.from], laggingFiles: wave.files } },
    await deps.installIstioctl(wave.to),
    wave.files,
    target,
    logger,
    { installIstioctl: deps.installIstioctl },
  );
  if (change.files.length === 0) return undefined;
  const context: UpgradeContext = {
    ...waveContext(wave, how.policy),
    pins: change.pins,
    ...(change.workloads ? { workloads: change.workloads } : {}),
  };
  const pull = await how.open(wave, change.files, { context });
  return pull ? { ...pull, files: change.files } : undefined;
}

/** Like the ordinary control plane step: istioctl of the target analyzes the changed tree. */
async function analyzeWave(
  request: PipelineRunRequest,
  deps: PipelineRunDeps,
  wave: WavePullRequest,
): Promise<string | undefined> {
  if (request.analyze === false) return undefined;
  const { config } = request;
  const paths = pipelinePaths(config);
  const analysis = await analyzeManifests({
    binary: await deps.installIstioctl(wave.to),
    version: wave.to,
    cwd: request.workspace,
    paths: [...new Set([...paths.controlPlane, ...paths.dataPlane])],
    failureThreshold: config.analyze.failureThreshold,
    suppress: config.analyze.suppress,
    logger: deps.logger,
  });
  if (analysis.result === 'fail')
    deps.logger.warning(
      `istioctl ${wave.to} analyze found ${analysis.counts.errors} errors in wave ${wave.wave}'s tree.`,
    );
  return analysisNote(analysis, wave.to);
}

/** The run's answer when the waves decided it: the first PR opened, and the plan as the waves see it. */
function fleetRunResult(
  request: PipelineRunRequest,
  plan: UpgradePlan,
  fleet: FleetRun,
  opened: OpenedPullRequest | undefined,
  result: FleetResult,
): PipelineRunResult {
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
            base: request.config.pullRequest.base ?? '',
            pullRequest: { number: opened.number, url: opened.url },
            autoMergeEnabled: false,
            superseded: [],
          },
        }
      : {}),
    fleet: result,
  };
}
