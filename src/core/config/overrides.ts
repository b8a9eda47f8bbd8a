// Settings given as action inputs or CLI flags win over the config file: validated here, named by input.
import { InvalidInputError } from '../errors.js';
import { parseVersionPolicy } from '../versions/policy.js';
import { AUTO_MERGE_METHODS, AUTO_MERGE_WHEN } from '../github/auto-merge.js';
import { INJECT_OUTPUT_MODES } from '../inject/index.js';
import { UPGRADE_STRATEGIES } from '../versions/upgrade-path.js';
import type { RepoConfig } from './repo-config.js';

/** Raw values by input name; undefined or empty means "the config file decides". */
export interface RepoConfigOverrides {
  'version-policy'?: string;
  strategy?: string;
  'include-prereleases'?: boolean;
  'control-plane-paths'?: string[];
  'data-plane-paths'?: string[];
  'inject-output'?: string;
  'kubernetes-version'?: string;
  base?: string;
  labels?: string[];
  'auto-merge'?: string;
  'auto-merge-when'?: string;
  'sign-commits'?: boolean;
}

function choice<T extends string>(
  input: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined || value === '') return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InvalidInputError(`'${value}' is not one of ${choices.join(', ')}`, { input });
}

const nonEmpty = (list: string[] | undefined) => (list && list.length > 0 ? list : undefined);

export function overrideRepoConfig(config: RepoConfig, o: RepoConfigOverrides): RepoConfig {
  const policy = o['version-policy'] || undefined;
  if (policy) parseVersionPolicy(policy, 'version-policy');
  return {
    ...config,
    policy: policy ?? config.policy,
    strategy: choice('strategy', o.strategy, UPGRADE_STRATEGIES) ?? config.strategy,
    includePrereleases: o['include-prereleases'] ?? config.includePrereleases,
    controlPlane: {
      ...config.controlPlane,
      paths: nonEmpty(o['control-plane-paths']) ?? config.controlPlane.paths,
    },
    dataPlane: {
      ...config.dataPlane,
      paths: nonEmpty(o['data-plane-paths']) ?? config.dataPlane.paths,
      output: choice('inject-output', o['inject-output'], INJECT_OUTPUT_MODES) ?? config.dataPlane.output,
      kubernetesVersion: o['kubernetes-version'] || config.dataPlane.kubernetesVersion,
    },
    pullRequest: {
      ...config.pullRequest,
      base: o.base || config.pullRequest.base,
      labels: nonEmpty(o.labels) ?? config.pullRequest.labels,
      autoMerge: choice('auto-merge', o['auto-merge'], AUTO_MERGE_METHODS) ?? config.pullRequest.autoMerge,
      autoMergeWhen:
        choice('auto-merge-when', o['auto-merge-when'], AUTO_MERGE_WHEN) ?? config.pullRequest.autoMergeWhen,
      signCommits: o['sign-commits'] ?? config.pullRequest.signCommits,
    },
  };
}
