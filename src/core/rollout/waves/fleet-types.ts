// The fleet rollout's plain data: the request, each wave's status and the plan, and what running it
// asks of the pipeline (one PR per open wave).
import type { GitHubClient } from '../../github/client.js';
import type { Logger } from '../../logger.js';
import type { MeshModel } from '../../mesh/types.js';
import type { Pin, PinEdit } from '../../pins/types.js';
import type { ReleaseCheck } from '../../releases/check-release.js';
import type { ReleaseSources } from '../../releases/sources.js';
import type { SourceMove } from '../../sources/types.js';
import type { UpgradeStrategy } from '../../versions/upgrade-path.js';
import type { SharedPin } from './assign.js';
import type { Gate } from './gates.js';
import type { WaveConfig } from './wave-config.js';

export type WaveState = 'current' | 'open' | 'waiting' | 'blocked' | 'no-pins';

export interface WaveStatus {
  wave: string;
  clusters: string[];
  /** Control plane versions its pins hold, oldest first. */
  controlPlane: string[];
  /** Proxy versions its pins hold, oldest first. */
  proxies: string[];
  current?: string;
  target?: string;
  state: WaveState;
  /** One line saying where the wave stands and what comes next. */
  message: string;
  gate?: Gate;
  /** End of life and advisories of its current version. */
  check?: Pick<ReleaseCheck, 'eol' | 'eolDate' | 'advisories' | 'vulnerable'>;
  /** The wave's own PR for its target, once opened (this run or earlier). */
  pullRequest?: { number: number; url: string; operation?: string };
  branch?: string;
  files: string[];
  /** Set when the wave's control plane is current and its proxies lag it: its data plane PR. */
  dataPlane?: { from: string; target: string; files: string[]; branch: string };
}

export interface FleetPlan {
  waves: WaveStatus[];
  shared: SharedPin[];
  /** For each shared pin: why it is not bumped, and the per-cluster overlay that fixes it. */
  advice: string[];
}

export interface FleetRequest {
  workspace: string;
  owner: string;
  repo: string;
  waves: readonly WaveConfig[];
  model: MeshModel;
  pins: readonly Pin[];
  sources: ReleaseSources;
  policy?: string;
  strategy?: UpgradeStrategy;
  includePrereleases?: boolean;
  kubernetesVersion?: string;
  now?: Date;
  logger: Logger;
  /** Without a client the gates cannot be read: waves after the first say so instead. */
  github?: GitHubClient;
  /** Where the control plane lives (config control-plane.paths): searched for sources to move. */
  controlPlanePaths?: readonly string[];
}

/** What the pipeline does with one wave whose gate is open: commit its edits and open its PR. */
export interface WavePullRequest {
  wave: string;
  component: string;
  branch: string;
  from: string;
  to: string;
  files: string[];
  edits: PinEdit[];
  /** Istio chart and image locations in the wave's files moved off retired hosts for the target. */
  moves: SourceMove[];
}

export interface FleetRunDeps {
  openPullRequest: (
    request: WavePullRequest,
  ) => Promise<{ number: number; url: string; operation: string } | undefined>;
  /** Re-renders the wave's lagging proxies at its control plane version and opens its data plane PR. */
  openDataPlanePullRequest: (
    request: Omit<WavePullRequest, 'edits' | 'moves'>,
  ) => Promise<{ number: number; url: string; operation: string; files: string[] } | undefined>;
}

export interface FleetRun extends FleetPlan {
  changedFiles: string[];
}
