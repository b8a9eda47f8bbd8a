// The pipeline's ambient order: while an istio-cni or ztunnel node agent runs behind istiod, the
// run's step is that agent's own PR (CNI first, then ztunnel), before any control-plane hop or
// sidecar re-render, and the step bumps only the pins in the agents' files.
import { bumpIstioVersion } from '../bump/bump.js';
import type { Logger } from '../logger.js';
import type { ReleaseTarget } from '../releases/release-target.js';
import { canaryFacts, planNodeAgentStep, type NodeAgent } from '../rollout/canary/index.js';
import type { PinStepPlan, PlanRequest, PlannedPullRequest } from './plan.js';
import type { Change } from './steps.js';

const LABEL: Record<NodeAgent, string> = { cni: 'istio-cni', ztunnel: 'ztunnel' };

/** The node agent's step instead of `planned`, or undefined when no agent lags istiod. */
export function withNodeAgents(request: PlanRequest, planned: PinStepPlan): PinStepPlan | undefined {
  const step = planNodeAgentStep(request.model);
  if (!step) return undefined;
  const { component, target, files } = step;
  const pullRequests: PlannedPullRequest[] = [
    { component, target, files, now: true, title: `${LABEL[component]} → ${target}` },
    ...step.later.map((l) => ({
      component: l.component,
      target,
      files: l.files,
      now: false,
      title: `${LABEL[l.component]} → ${target}`,
    })),
    ...planned.pullRequests
      .filter((pr) => pr.component === 'data-plane')
      .map((pr) => ({ ...pr, now: false })),
  ];
  return { ...planned, step: component, target, reason: step.reason, files, pullRequests };
}

/** Writes the node agent's step: its pins (chart versions, images) in its files, to istiod's version. */
export function bumpNodeAgents(
  workspace: string,
  plan: { step: string; files: string[]; pullRequests: PlannedPullRequest[] },
  target: ReleaseTarget,
  logger: Logger,
  now?: Date,
): Change & { title: string; body: string } {
  const component = plan.step as NodeAgent;
  const bump = bumpIstioVersion({
    root: workspace,
    target,
    paths: plan.files,
    role: 'data-plane',
    logger,
    ...(now ? { now } : {}),
  });
  const from = bump.previousVersions[0] ?? target.version;
  const next = plan.pullRequests.find((pr) => !pr.now);
  const rule = canaryFacts.AMBIENT_ORDER;
  const body = [
    `**Ambient node agent:** ${LABEL[component]} ${from} → ${target.version}, now that istiod runs ${target.version}.`,
    '',
    `Istio: ${rule.rule} (${rule.source}). ${canaryFacts.AMBIENT_ONE_MINOR.rule}.`,
    '',
    next
      ? `**Next** (opened by a later run once this one is merged): ${next.title ?? next.component}.`
      : '**Next:** nothing for the node agents.',
    '',
    `**Roll back:** revert this PR; ${LABEL[component]} ${from} works with istiod ${target.version} (one minor apart at most).`,
    ...(component === 'ztunnel'
      ? ['', 'Restarting ztunnel resets the long-lived connections of the pods on each node it restarts on.']
      : []),
  ].join('\n');
  return {
    from,
    files: bump.changedFiles,
    moves: bump.sourcePlan.moves,
    pins: bump.plan.edits.map((e) => ({
      file: e.pin.file,
      line: e.pin.line,
      kind: e.pin.kind,
      from: e.pin.version,
      to: e.target,
    })),
    title: `Istio ${LABEL[component]} ${from} → ${target.version} (ambient: after istiod${component === 'cni' ? ', before ztunnel' : ' and istio-cni'})`,
    body,
  };
}
