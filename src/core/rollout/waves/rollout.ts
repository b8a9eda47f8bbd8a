// The fleet rollout, wave by wave: plan-fleet.ts decides where each wave stands and whether its gate
// is open, run-fleet.ts bumps the open waves and opens their PRs; the plain data is in fleet-types.ts.
export type {
  FleetPlan,
  FleetRequest,
  FleetRun,
  FleetRunDeps,
  WavePullRequest,
  WaveStatus,
} from './fleet-types.js';
export { planFleet } from './plan-fleet.js';
export { runFleet, waitingLines } from './run-fleet.js';
