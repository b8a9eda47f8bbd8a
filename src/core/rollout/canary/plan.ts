// Plans the next PR of a revision-based (canary) hop from the mesh model: (1/3) add the canary istiod,
// (2/3) move the data plane to it, (3/3) remove the old istiod; and says, for the PR body, what comes
// next and how to roll back at that point.
import type { MeshCluster, MeshModel } from '../../mesh/types.js';
import { compareVersions, minorDistance } from '../../versions/parse.js';
import { CANARY_TWO_MINORS, IN_PLACE_ONE_MINOR } from './facts.js';
import {
  canaryLayoutOf,
  referencesTo,
  revisionNameOf,
  type CanaryIstiod,
  type CanaryPhase,
  type RevisionReference,
} from './state.js';

export type CanaryStep = 'control-plane' | 'data-plane' | 'cleanup';

export const CANARY_STEP_OF: Record<CanaryPhase, CanaryStep> = {
  add: 'control-plane',
  move: 'data-plane',
  cleanup: 'cleanup',
};

export interface CanaryPullRequest {
  /** 1, 2 or 3 of 3. */
  index: number;
  step: CanaryStep;
  title: string;
}

export interface CanaryPlan {
  phase: CanaryPhase;
  step: CanaryStep;
  model: MeshModel;
  cluster: MeshCluster;
  old: CanaryIstiod;
  /** The canary istiod once it exists (phases move and cleanup). */
  next?: CanaryIstiod;
  /** The new revision's name (`1-31-0`). */
  revision: string;
  target: string;
  /** What still points at the old istiod (phase move: what this PR moves). */
  references: RevisionReference[];
  reason: string;
  /** The hop's three PRs, this one among them. */
  sequence: CanaryPullRequest[];
}

export interface CanaryPlanRequest {
  model: MeshModel;
  strategy: string;
  /** The next hop's target the release check allows (with the strategy's minors per hop). */
  target?: string;
}

/**
 * The canary PR this run opens, or undefined when the hop is not a revision upgrade (a patch, the
 * in-place strategy, or a layout the canary steps do not edit). A hop already under way is finished
 * whatever the strategy says now.
 */
export function planCanary(request: CanaryPlanRequest): CanaryPlan | undefined {
  const layout = canaryLayoutOf(request.model);
  if (!layout.supported) return undefined;
  const { cluster, istiods } = layout;
  if (istiods.length === 2) {
    const [old, next] = istiods as [CanaryIstiod, CanaryIstiod];
    if (compareVersions(old.version, next.version) === 0) return undefined;
    const references = referencesTo(cluster, old);
    const phase: CanaryPhase = references.length > 0 ? 'move' : 'cleanup';
    const sequence = sequenceOf(old, next.revision, next.version, references.length ? references : undefined);
    return {
      phase,
      step: CANARY_STEP_OF[phase],
      model: request.model,
      cluster,
      old,
      next,
      revision: next.revision,
      target: next.version,
      references,
      reason:
        phase === 'move'
          ? `The canary istiod ${next.version} (revision ${next.revision}) runs beside ${old.version}; ${references.length} thing(s) still use the old revision: move them (${references[0]!.what}${references.length > 1 ? ', …' : ''}).`
          : `Nothing references istiod ${old.version} (revision ${old.revision}) any more: remove it, leaving ${next.version} (revision ${next.revision}).`,
      sequence,
    };
  }
  const old = istiods[0];
  if (!old || request.strategy !== 'canary' || !request.target) return undefined;
  if (minorDistance(old.version, request.target) < 1) return undefined;
  const revision = revisionNameOf(request.target);
  if (cluster.controlPlanes.some((p) => p.revision === revision || p.tags.includes(revision)))
    return undefined;
  const references = referencesTo(cluster, old);
  const distance = minorDistance(old.version, request.target);
  return {
    phase: 'add',
    step: 'control-plane',
    model: request.model,
    cluster,
    old,
    revision,
    target: request.target,
    references,
    reason: `The control plane at ${old.version} is ${distance} minor${distance > 1 ? 's' : ''} behind ${request.target}: add istiod ${request.target} as revision ${revision} beside it (${distance > 1 ? CANARY_TWO_MINORS.rule : 'canary strategy'}; ${IN_PLACE_ONE_MINOR.rule}).`,
    sequence: sequenceOf(old, revision, request.target, references),
  };
}

function sequenceOf(
  old: CanaryIstiod,
  revision: string,
  target: string,
  references: readonly RevisionReference[] | undefined,
): CanaryPullRequest[] {
  return [
    {
      index: 1,
      step: 'control-plane',
      title: `(1/3) add canary ${revision} (istiod ${target} beside ${old.version})`,
    },
    { index: 2, step: 'data-plane', title: `(2/3) ${moveTitle(references ?? [], revision)}` },
    {
      index: 3,
      step: 'cleanup',
      title: `(3/3) remove ${old.revision === 'default' ? old.name : old.revision} (istiod ${old.version})`,
    },
  ];
}

function moveTitle(references: readonly RevisionReference[], revision: string): string {
  const tags = references.filter((r) => r.kind === 'tag').map((r) => r.name);
  const namespaces = references.filter((r) => r.kind === 'namespace').map((r) => r.name);
  const parts = [
    ...(tags.length ? [`move ${tags.map((t) => `\`${t}\``).join(', ')}`] : []),
    ...(namespaces.length ? [`relabel ${namespaces.join(', ')}`] : []),
  ];
  return `${parts.length ? parts.join(' and ') : 'move the data plane'} to ${revision}, sidecars re-rendered`;
}

/** The canary part of the PR body: which step, what comes next, how to roll back now. */
export function canaryPullRequestBody(plan: CanaryPlan, notes: readonly string[]): string {
  const index = plan.sequence.find((s) => s.step === plan.step)!.index;
  const old = plan.old;
  const next = plan.sequence[index];
  const lines = [
    `**Revision-based upgrade, step ${index} of 3**: ${plan.sequence[index - 1]!.title.replace(/^\(\d\/3\) /, '')}.`,
    '',
    'This PR:',
    ...notes.map((n) => `- ${n}`),
    '',
    next
      ? `**Next** (opened by a later run once this one is merged): ${next.title}.`
      : '**Next:** nothing; the hop is done once this merges.',
    '',
    `**Roll back:** ${rollback(plan)}`,
    '',
    'The hop:',
    ...plan.sequence.map(
      (s) => `- ${s.index === index ? '**' : ''}${s.title}${s.index === index ? '** (this PR)' : ''}`,
    ),
    '',
    `Istio: ${CANARY_TWO_MINORS.rule} (${CANARY_TWO_MINORS.source}). The old istiod (${old.name}, ${old.version}) keeps serving what has not moved.`,
  ];
  return lines.join('\n');
}

function rollback(plan: CanaryPlan): string {
  const old = plan.old;
  switch (plan.phase) {
    case 'add':
      return `revert this PR. ${old.name} (${old.version}) is untouched, so removing the canary changes nothing that runs traffic.`;
    case 'move':
      return `revert this PR: the tags and labels move back to revision ${old.revision} and the sidecars back to its injection; ${old.name} (${old.version}) still runs until step 3.`;
    case 'cleanup':
      return `revert this PR to reinstall ${old.name} (${old.version}), then revert step 2 to move the tags and labels back to it.`;
  }
}
