// Whether a repo's pins agree: one version per role and revision, and a data plane within skew.
import { checkControlPlaneSkew } from '../versions/skew.js';
import { minorOf, sortVersions } from '../versions/parse.js';
import type { Pin, PinRole } from './types.js';

export interface Disagreement {
  role: PinRole;
  revision?: string;
  /** Each version found, with the pins that hold it, oldest first. */
  versions: { version: string; pins: Pin[] }[];
}

export interface SkewProblem {
  /** The data plane pin out of skew with every control plane version it could belong to. */
  pin: Pin;
  controlPlaneVersions: string[];
  message: string;
}

export interface ConsistencyReport {
  /** Any disagreement within a role, a data plane on another version than its control plane, or skew. */
  inconsistent: boolean;
  disagreements: Disagreement[];
  /** Data plane pins on a different (allowed) version than their control plane: an unfinished rollout. */
  lagging: Pin[];
  skew: SkewProblem[];
}

/** Compares pins per role and revision, then each data plane pin with its control plane. */
export function checkConsistency(pins: readonly Pin[]): ConsistencyReport {
  const groups = new Map<string, Pin[]>();
  for (const pin of pins) {
    const key = `${pin.role}\0${pin.revision ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(pin);
    else groups.set(key, [pin]);
  }
  const disagreements: Disagreement[] = [];
  for (const group of groups.values()) {
    const versions = sortVersions(new Set(group.map((p) => p.version)));
    if (versions.length < 2) continue;
    const first = group[0]!;
    disagreements.push({
      role: first.role,
      ...(first.revision ? { revision: first.revision } : {}),
      versions: versions.map((version) => ({ version, pins: group.filter((p) => p.version === version) })),
    });
  }

  const controlPlanes = pins.filter((p) => p.role === 'control-plane');
  const lagging: Pin[] = [];
  const skew: SkewProblem[] = [];
  // Thousands of proxies share a few revisions and versions: work each answer out once.
  const candidatesOf = new Map<string, string[]>();
  const checksOf = new Map<string, ReturnType<typeof checkControlPlaneSkew>[]>();
  for (const pin of pins.filter((p) => p.role === 'data-plane')) {
    const revision = pin.revision ?? '';
    let candidates = candidatesOf.get(revision);
    if (!candidates) {
      // A proxy on revision R belongs to R's control plane; without a match it may belong to any.
      const sameRevision = controlPlanes.filter((c) => (c.revision ?? '') === revision);
      candidates = sortVersions(
        new Set((sameRevision.length > 0 ? sameRevision : controlPlanes).map((c) => c.version)),
      );
      candidatesOf.set(revision, candidates);
    }
    if (candidates.length === 0) continue;
    const checkKey = `${revision}\0${pin.version}`;
    let checks = checksOf.get(checkKey);
    if (!checks) {
      checks = candidates.map((cp) => checkControlPlaneSkew(cp, pin.version));
      checksOf.set(checkKey, checks);
    }
    if (!checks.some((c) => c.ok)) {
      skew.push({ pin, controlPlaneVersions: candidates, message: closest(checks).message });
    } else if (!candidates.includes(pin.version)) {
      lagging.push(pin);
    }
  }
  return {
    inconsistent: disagreements.length > 0 || lagging.length > 0 || skew.length > 0,
    disagreements,
    lagging,
    skew,
  };
}

function closest<T extends { minorsAhead: number }>(checks: T[]): T {
  return [...checks].sort((a, b) => Math.abs(a.minorsAhead) - Math.abs(b.minorsAhead))[0]!;
}

/** One line per problem, for logs and summaries. */
export function describeConsistency(report: ConsistencyReport): string[] {
  const lines: string[] = [];
  for (const d of report.disagreements) {
    const where = d.versions
      .map((v) => `${v.version} (${v.pins.map((p) => `${p.file}:${p.line}`).join(', ')})`)
      .join(' vs ');
    lines.push(`${d.role} pins${d.revision ? ` of revision ${d.revision}` : ''} disagree: ${where}`);
  }
  for (const pin of report.lagging) {
    lines.push(
      `data plane ${pin.file}:${pin.line} is on ${pin.version} (${minorOf(pin.version)}), not its control plane's version`,
    );
  }
  for (const problem of report.skew)
    lines.push(`skew: ${problem.pin.file}:${problem.pin.line}: ${problem.message}`);
  return lines;
}
