// Flags that override the repo config's policy settings, shared by plan and check.
import { overrideRepoConfig } from '../../core/config/overrides.js';
import type { RepoConfig } from '../../core/config/repo-config.js';
import { text } from '../command.js';

export const POLICY_OPTIONS = {
  policy: { type: 'string' },
  strategy: { type: 'string' },
  'include-prereleases': { type: 'boolean' },
  'kubernetes-version': { type: 'string' },
} as const;

export function applyPolicyFlags(config: RepoConfig, values: Record<string, unknown>): RepoConfig {
  return overrideRepoConfig(config, {
    'version-policy': text(values, 'policy'),
    strategy: text(values, 'strategy'),
    'include-prereleases': values['include-prereleases'] === true ? true : undefined,
    'kubernetes-version': text(values, 'kubernetes-version'),
  });
}
