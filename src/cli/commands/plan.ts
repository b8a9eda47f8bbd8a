// `istio-autopilot plan`: what the bot would do to a local repo, without changing anything.
import { join, resolve } from 'node:path';
import { loadRepoConfig } from '../../core/config/repo-config.js';
import { createGitHubClient } from '../../core/github/client.js';
import { buildMeshModel } from '../../core/mesh/model.js';
import { meshReport, renderMeshText } from '../../core/mesh/model-report.js';
import { planUpgrade } from '../../core/pipeline/plan.js';
import { planReport, renderPlanText } from '../../core/pipeline/plan-report.js';
import { gatherReleaseSources } from '../../core/releases/check-release.js';
import { EXIT, GITHUB_OPTIONS, gitHubSettings, text, type Command } from '../command.js';
import { cliCacheRoot } from './istioctl-binary.js';
import { applyPolicyFlags, POLICY_OPTIONS } from './policy-flags.js';

export const planCommand: Command = {
  name: 'plan',
  summary:
    'Dry run on a local repo: the mesh model per cluster, pins, current/target/path, advisories, EOL, files per PR',
  usage:
    'istio-autopilot plan [--repo <dir>] [--config <file>] [--policy <p>] [--strategy in-place|canary] [--offline] [--json]',
  options: { repo: { type: 'string' }, config: { type: 'string' }, ...POLICY_OPTIONS, ...GITHUB_OPTIONS },
  async run(values, context) {
    const workspace = resolve(text(values, 'repo') ?? '.');
    const config = applyPolicyFlags(loadRepoConfig(workspace, text(values, 'config')), values);
    const github = gitHubSettings(values, context.env);
    const sources = await gatherReleaseSources(
      createGitHubClient({ token: github.token, apiUrl: github.apiUrl, retries: 1, log: context.log.info }),
      { offline: github.offline, cacheDir: join(cliCacheRoot(context.env), 'http'), logger: context.log },
    );
    const model = await buildMeshModel(workspace, { logger: context.log });
    const plan = planUpgrade({
      workspace,
      model,
      config,
      sources,
      kubernetesVersion: text(values, 'kubernetes-version') ?? config.dataPlane.kubernetesVersion,
      logger: context.log,
    });
    const report = planReport(plan);
    const mesh = meshReport(model);
    context.stdout(
      context.json
        ? JSON.stringify({ ...report, mesh }, null, 2)
        : `${renderPlanText(report)}\n\nmesh model:\n${renderMeshText(mesh)}`,
    );
    return EXIT.ok;
  },
};
