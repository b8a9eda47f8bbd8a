// bump-istio-version's core: scan the workspace, plan, check consistency, write all files or none.
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { sortVersions } from '../versions/parse.js';
import type { AtomicWriteOptions } from '../workspace/atomic.js';
import { checkConsistency, describeConsistency } from './consistency.js';
import type { ConsistencyReport } from './consistency.js';
import { applyPinUpdates, extractPins, planPinUpdates } from './engine.js';
import type { PinPlan } from './engine.js';
import type { ReleaseTarget } from '../releases/release-target.js';
import type { Pin, RoleSelection } from './types.js';

export interface BumpOptions {
  root: string;
  /** Checked by releases/release-target.ts before anything is read. */
  target: ReleaseTarget;
  /** Globs; empty means the default (YAML across the repo, .istio-version), .gitignore respected. */
  paths?: readonly string[];
  role?: RoleSelection;
  dryRun?: boolean;
  logger?: Logger;
  /** Test hook for the atomic write. */
  write?: AtomicWriteOptions;
}

export interface BumpResult {
  pins: Pin[];
  plan: PinPlan;
  changedFiles: string[];
  /** Versions the selected pins held before, oldest first. */
  previousVersions: string[];
  /** The repo as found. */
  before: ConsistencyReport;
  /** The repo as the bump leaves it. */
  after: ConsistencyReport;
}

export function bumpIstioVersion(options: BumpOptions): BumpResult {
  const logger = options.logger ?? silentLogger;
  const role = options.role ?? 'control-plane';
  const { pins, scannedFiles, parsedFiles } = extractPins(
    { root: options.root, paths: options.paths ?? [] },
    { logger },
  );
  logger.info(`found ${pins.length} Istio pins in ${scannedFiles} files (${parsedFiles} parsed)`);
  const plan = planPinUpdates(pins, options.target, { role, logger });
  const before = checkConsistency(pins);
  for (const line of describeConsistency(before)) logger.warning(line);
  const edited = new Map(plan.edits.map((e) => [e.pin, e.target]));
  const after = checkConsistency(pins.map((p) => (edited.has(p) ? { ...p, version: edited.get(p)! } : p)));
  for (const problem of after.skew) logger.warning(`after the bump: ${problem.message}`, problem.pin);
  const changedFiles = applyPinUpdates(options.root, plan.edits, {
    ...options.write,
    dryRun: options.dryRun,
  });
  logger.info(
    `${options.dryRun ? 'would change' : 'changed'} ${plan.edits.length} pins in ${changedFiles.length} files`,
  );
  const selected = pins.filter((p) => role === 'all' || p.role === role);
  return {
    pins,
    plan,
    changedFiles,
    previousVersions: sortVersions(new Set(selected.map((p) => p.version))),
    before,
    after,
  };
}
