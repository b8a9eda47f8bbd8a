// Revision-based (canary) upgrades: plan the hop's three PRs from the mesh model and write each step.
export { planNodeAgentStep, type NodeAgent, type NodeAgentStep } from './ambient.js';
export { applyCanaryStep, canaryEdits, type CanaryStepResult } from './apply.js';
export { canaryPullRequestBody, planCanary, type CanaryPlan, type CanaryStep } from './plan.js';
export { canaryLayoutOf, referencesTo, revisionNameOf, type RevisionReference } from './state.js';
export * as canaryFacts from './facts.js';
export {
  applySailMove,
  planSailMove,
  sailPullRequestBody,
  sailRevisionBasedOf,
  sailRevisionName,
  type SailMove,
  type SailRevisionBased,
} from './sail.js';
