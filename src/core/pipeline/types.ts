// What one pipeline run is asked, what it needs, and what it answers: shared by the single-PR run
// (run.ts) and the fleet run (fleet.ts), so neither imports the other.
import type { RepoConfig } from '../config/repo-config.js';
import type { GitHubClient } from '../github/client.js';
import type { OpenUpgradePullRequestResult, PullRequestOperation } from '../github/upgrade-pull-request.js';
import type { Logger } from '../logger.js';
import type { AnalysisOutcome } from '../report/pipeline-notes.js';
import type { DashboardResult } from '../rollout/dashboard/dashboard.js';
import type { FleetRun } from '../rollout/waves/rollout.js';
import type { UpgradePlan } from './plan.js';

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

export interface FleetResult {
  fleet: FleetRun;
  dashboard?: DashboardResult;
}

export interface PipelineRunResult {
  plan: UpgradePlan;
  operation: PullRequestOperation | 'planned';
  changedFiles: string[];
  analysis?: AnalysisOutcome;
  pullRequest?: OpenUpgradePullRequestResult;
  /** With `waves`: every wave's state, gate and PR, and the dashboard issue. */
  fleet?: FleetResult;
}
