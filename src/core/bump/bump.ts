// bump-istio-version's core: scan the workspace, plan, check consistency, move the Istio sources the
// target needs off retired hosts, and write pins and sources in one edit, all files or none.
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { sortVersions } from '../versions/parse.js';
import type { AtomicWriteOptions } from '../workspace/atomic.js';
import { findIstioSources, moveSplice, planSourceMoves } from '../sources/engine.js';
import type { SourcePlan } from '../sources/engine.js';
import type { IstioSource } from '../sources/types.js';
import { checkConsistency, describeConsistency } from '../pins/consistency.js';
import type { ConsistencyReport } from '../pins/consistency.js';
import { extractPins, pinSplice, planPinUpdates } from '../pins/engine.js';
import type { PinPlan } from '../pins/engine.js';
import type { ReleaseTarget } from '../releases/release-target.js';
import { applySplices } from '../pins/splice.js';
import type { Pin, RoleSelection } from '../pins/types.js';

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
  /**
   * Move chart and image locations that do not serve the target off Istio's retired hosts in the
   * same edit (default true): a 1.31 pin on the old chart bucket is an upgrade that never happens.
   */
  moveSources?: boolean;
  /** When the retired hosts' removal is judged (tests); default now. */
  now?: Date;
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
  /** Locations on retired hosts found in the same files, and the moves this bump makes of them. */
  sources: IstioSource[];
  sourcePlan: SourcePlan;
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
  const sources =
    options.moveSources === false
      ? []
      : findIstioSources({ root: options.root, paths: options.paths ?? [] }, { logger });
  const sourcePlan = planSourceMoves(sources, { onlyWhereNotServing: plan.target, now: options.now });
  for (const { source, reason } of sourcePlan.stuck) logger.warning(`${source.location}: ${reason}`, source);
  const changedFiles = applySplices(
    options.root,
    [...plan.edits.map(pinSplice), ...sourcePlan.moves.map(moveSplice)],
    { ...options.write, dryRun: options.dryRun, logger },
  );
  logger.info(
    `${options.dryRun ? 'would change' : 'changed'} ${plan.edits.length} pins` +
      (sourcePlan.moves.length
        ? ` and moved ${sourcePlan.moves.length} Istio sources off retired hosts`
        : '') +
      ` in ${changedFiles.length} files`,
  );
  const selected = pins.filter((p) => role === 'all' || p.role === role);
  return {
    pins,
    plan,
    changedFiles,
    previousVersions: sortVersions(new Set(selected.map((p) => p.version))),
    before,
    after,
    sources,
    sourcePlan,
  };
}
