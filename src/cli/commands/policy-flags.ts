// Flags that override the repo config's policy settings, shared by plan and check.
import type { RepoConfig } from '../../core/config/repo-config.js';
import { InvalidInputError } from '../../core/errors.js';
import { parseVersionPolicy } from '../../core/versions/policy.js';
import { text } from '../command.js';

export const POLICY_OPTIONS = {
  policy: { type: 'string' },
  strategy: { type: 'string' },
  'include-prereleases': { type: 'boolean' },
  'kubernetes-version': { type: 'string' },
} as const;

export function applyPolicyFlags(config: RepoConfig, values: Record<string, unknown>): RepoConfig {
  const policy = text(values, 'policy');
  if (policy) parseVersionPolicy(policy, 'policy');
  const strategy = text(values, 'strategy');
  if (strategy && strategy !== 'in-place' && strategy !== 'canary') {
    throw new InvalidInputError(`'${strategy}' is not a strategy`, {
      input: 'strategy',
      hint: 'Use in-place or canary.',
    });
  }
  return {
    ...config,
    ...(policy ? { policy } : {}),
    ...(strategy ? { strategy: strategy as 'in-place' | 'canary' } : {}),
    ...(values['include-prereleases'] === true ? { includePrereleases: true } : {}),
  };
}
