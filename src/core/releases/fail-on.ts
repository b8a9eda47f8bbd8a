// check-istio-release's `fail-on`: which conditions of a release check fail the step, and why.
import type { ReleaseCheck } from './check-release.js';

export const FAIL_ON_CONDITIONS = ['outdated', 'vulnerable', 'eol', 'unsupported-kubernetes'] as const;
export type FailOnCondition = (typeof FAIL_ON_CONDITIONS)[number];

/** The `fail-on` conditions the check meets, each with a reason; empty means pass. */
export function failOnReasons(check: ReleaseCheck, conditions: readonly FailOnCondition[]): string[] {
  const reasons: string[] = [];
  const on = (c: FailOnCondition) => conditions.includes(c);
  if (on('outdated') && check.updateAvailable)
    reasons.push(`Istio ${check.current} is outdated: ${check.target} is next (${check.updateType})`);
  if (on('vulnerable') && check.vulnerable)
    reasons.push(`Istio ${check.current} is affected by ${check.advisories.map((a) => a.id).join(', ')}`);
  if (on('eol') && check.eol) reasons.push(`Istio ${check.current} is end-of-life since ${check.eolDate}`);
  if (on('unsupported-kubernetes') && check.kubernetesSupported === false)
    reasons.push(
      `Istio ${check.current} does not support Kubernetes ${check.kubernetesVersion} ` +
        `(supported: ${check.kubernetesSupportedVersions.join(', ')})`,
    );
  return reasons;
}
