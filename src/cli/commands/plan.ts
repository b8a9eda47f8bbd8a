// `istio-autopilot plan`: what the bot would do to a local repo, without changing anything.
import { join, resolve } from 'node:path';
import { loadRepoConfig } from '../../core/config/repo-config.js';
import { createGitHubClient } from '../../core/github/client.js';
import { buildMeshModel } from '../../core/mesh/model.js';
import { meshReport, renderMeshText } from '../../core/mesh/model-report.js';
import { planUpgrade } from '../../core/pipeline/plan.js';
import { planReport, renderPlanText } from '../../core/pipeline/plan-report.js';
import { gatherReleaseSources } from '../../core/releases/sources.js';
import { overrideRepoConfig } from '../../core/config/overrides.js';
import { PLAN_OPTIONS } from '../../options/plan.js';
import { EXIT, flagsOf, gitHubSettings, readFlags, type Command } from '../command.js';
import { cliCacheRoot } from './istioctl-binary.js';
import { planFleet, type FleetPlan } from '../../core/rollout/waves/rollout.js';
import { renderFleetText, repositoryOf } from '../../core/rollout/waves/fleet-text.js';
import { execFileSync } from 'node:child_process';

export const planCommand: Command = {
  name: 'plan',
  summary:
    'Dry run on a local repo: the mesh model per cluster, pins, current/target/path, advisories, EOL, files per PR',
  usage:
    'istio-autopilot plan [--repo <dir>] [--config <file>] [--policy <p>] [--strategy in-place|canary] [--offline] [--json]',
  options: flagsOf(PLAN_OPTIONS),
  table: PLAN_OPTIONS,
  async run(values, context) {
    const flags = readFlags(PLAN_OPTIONS, values);
    const workspace = resolve(flags.repo ?? '.');
    // Only flags given on the command line override the repo config; the table's defaults do not.
    const config = overrideRepoConfig(loadRepoConfig(workspace, flags.config, '--config'), {
      'version-policy': typeof values['policy'] === 'string' ? flags['version-policy'] : undefined,
      strategy: typeof values['strategy'] === 'string' ? flags.strategy : undefined,
      'include-prereleases': flags['include-prereleases'] ? true : undefined,
      'kubernetes-version': flags['kubernetes-version'],
    });
    const github = gitHubSettings(values, context.env);
    const client = createGitHubClient({
      token: github.token,
      apiUrl: github.apiUrl,
      retries: 1,
      log: context.log.info,
    });
    const sources = await gatherReleaseSources(client, {
      offline: github.offline,
      cacheDir: join(cliCacheRoot(context.env), 'http'),
      logger: context.log,
    });
    const model = await buildMeshModel(workspace, { logger: context.log });
    const plan = planUpgrade({
      workspace,
      model,
      config,
      sources,
      kubernetesVersion: flags['kubernetes-version'] ?? config.dataPlane.kubernetesVersion,
      logger: context.log,
    });
    const report = planReport(plan);
    const mesh = meshReport(model);
    // With waves: the fleet view; the gates are read from GitHub when a token and the repo are known.
    const fleet = config.waves
      ? await fleetPlanOf(workspace, context.env, github.token ? client : undefined, {
          waves: config.waves,
          model,
          pins: plan.pins,
          sources,
          policy: config.policy,
          strategy: config.strategy,
          includePrereleases: config.includePrereleases,
          kubernetesVersion: flags['kubernetes-version'] ?? config.dataPlane.kubernetesVersion,
          logger: context.log,
        })
      : undefined;
    // With waves the fleet replaces the single-PR step, reason and PR list: those PRs never open.
    // Without waves the report keeps its own key order, which scripts may rely on.
    const { step: _step, reason: _reason, pullRequests: _pullRequests, ...rest } = report;
    context.stdout(
      context.json
        ? JSON.stringify(fleet ? { ...rest, fleet, mesh } : { ...report, mesh }, null, 2)
        : `${renderPlanText(report, fleet ? { next: renderFleetText(fleet).split('\n') } : {})}\n\nmesh model:\n${renderMeshText(mesh)}`,
    );
    return EXIT.ok;
  },
};

type FleetRequest = Parameters<typeof planFleet>[0];

/** The fleet plan of the workspace's GitHub repo (from its remote or GITHUB_REPOSITORY). */
function fleetPlanOf(
  workspace: string,
  env: NodeJS.ProcessEnv,
  /** Given when a token is: the gates are read from GitHub then, if the repo is known. */
  client: FleetRequest['github'],
  request: Omit<FleetRequest, 'workspace' | 'owner' | 'repo' | 'github'>,
): Promise<FleetPlan> {
  const repository = repositoryOf(remoteUrls(workspace), env.GITHUB_REPOSITORY);
  return planFleet({
    workspace,
    owner: repository?.owner ?? '',
    repo: repository?.repo ?? '',
    ...request,
    ...(client && repository ? { github: client } : {}),
  });
}

function remoteUrls(workspace: string): string[] {
  try {
    return execFileSync('git', ['-C', workspace, 'remote', '-v'], { encoding: 'utf8', timeout: 10_000 })
      .split('\n')
      .map((l) => l.split(/\s+/)[1] ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
}
