// The optional repository config, .github/istio-autopilot.yaml: parsed, validated, with file:line errors.
import { existsSync, readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { FileFormatError, InvalidInputError } from '../errors.js';
import { AUTO_MERGE_METHODS, AUTO_MERGE_WHEN } from '../github/auto-merge.js';
import { INJECT_OUTPUT_MODES } from '../inject/index.js';
import { ANALYZE_LEVELS } from '../istioctl/analyze.js';
import { NATIVE_SIDECARS_SETTINGS } from '../istioctl/offline-config.js';
import { POLICY_KEYWORDS } from '../versions/policy.js';
import { toSemverRange } from '../versions/range.js';
import { resolveInsideWorkspace } from '../workspace/files.js';
import { explainFileError } from '../workspace/os-errors.js';
import { UPGRADE_STRATEGIES } from '../versions/upgrade-path.js';
import { parseDuration, type WaveConfig } from '../rollout/waves/wave-config.js';

export const REPO_CONFIG_PATH = '.github/istio-autopilot.yaml';

// Each enum is declared once, next to the code that acts on it; the config only reads them.
export interface RepoConfig {
  policy?: string;
  strategy?: (typeof UPGRADE_STRATEGIES)[number];
  includePrereleases?: boolean;
  controlPlane: { paths?: string[] };
  dataPlane: {
    paths?: string[];
    output?: (typeof INJECT_OUTPUT_MODES)[number];
    outputDir?: string;
    revision?: string;
    nativeSidecars?: (typeof NATIVE_SIDECARS_SETTINGS)[number];
    kubernetesVersion?: string;
    valuesFile?: string;
    operatorFile?: string;
  };
  pullRequest: {
    base?: string;
    labels?: string[];
    assignees?: string[];
    reviewers?: string[];
    teamReviewers?: string[];
    draft?: boolean;
    autoMerge?: (typeof AUTO_MERGE_METHODS)[number];
    autoMergeWhen?: (typeof AUTO_MERGE_WHEN)[number];
    signCommits?: boolean;
  };
  analyze: { failureThreshold?: (typeof ANALYZE_LEVELS)[number]; suppress?: string[] };
  /** Clusters upgraded in order, each gated on the previous one's merge (soak, checks); absent: all at once. */
  waves?: WaveConfig[];
  /** Keep the one "Istio Autopilot dashboard" issue up to date. */
  dashboard?: boolean;
  /** Where it was read from, for messages; undefined when there is no file. */
  source?: string;
}

type Reader = {
  string(key: string): string | undefined;
  boolean(key: string): boolean | undefined;
  list(key: string): string[] | undefined;
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined;
  section(key: string): Reader;
  /** The raw node, for settings with their own shape (waves). */
  node(key: string): Node | undefined;
  done(): void;
};

/**
 * Reads the repo config under `workspace`. Without `relativePath`, the default file may be absent (all
 * defaults); a path named explicitly must exist, since silently planning without its policy is worse
 * than failing. Either way the file must lie inside the workspace.
 */
export function loadRepoConfig(workspace: string, relativePath?: string, input = 'config-file'): RepoConfig {
  const explicit = relativePath !== undefined && relativePath.trim() !== '';
  const path = explicit ? relativePath.trim() : REPO_CONFIG_PATH;
  const empty: RepoConfig = { controlPlane: {}, dataPlane: {}, pullRequest: {}, analyze: {} };
  const file = resolveInsideWorkspace(workspace, path, input);
  if (!existsSync(file)) {
    if (!explicit) return empty;
    throw new InvalidInputError(`the config file ${path} does not exist`, {
      input,
      hint: `Check the path (relative to the repository root), or leave ${input} unset to use ${REPO_CONFIG_PATH} when present.`,
    });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw explainFileError(error, 'reading', path, input);
  }
  return parseRepoConfig(text, path);
}

export function parseRepoConfig(text: string, file = REPO_CONFIG_PATH): RepoConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new FileFormatError(`is not valid YAML: ${error.message.split('\n')[0]}`, {
      file,
      line: error.linePos?.[0].line,
      hint: 'Fix the YAML syntax; nothing was changed.',
    });
  }
  const root = doc.contents;
  if (root !== null && !isMap(root)) {
    throw new FileFormatError('must be a mapping of settings', { file, line: 1 });
  }
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const fail = (path: string, node: Node | null | undefined, message: string, hint?: string): never => {
    throw new InvalidInputError(`'${path}' ${message}`, { file, line: lineOf(node), hint });
  };

  const reader = (map: YAMLMap | null, prefix: string): Reader => {
    const seen = new Set<string>();
    const get = (key: string) => {
      seen.add(key);
      return map?.get(key, true) as Node | undefined;
    };
    const name = (key: string) => (prefix ? `${prefix}.${key}` : key);
    return {
      string(key) {
        const node = get(key);
        if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
        if (!isScalar(node) || typeof node.value === 'object')
          return fail(name(key), node, 'must be a string');
        return String(node.value);
      },
      boolean(key) {
        const node = get(key);
        if (node === undefined) return undefined;
        if (!isScalar(node) || typeof node.value !== 'boolean')
          return fail(name(key), node, 'must be true or false');
        return node.value;
      },
      list(key) {
        const node = get(key);
        if (node === undefined) return undefined;
        if (isScalar(node) && typeof node.value === 'string') return [node.value];
        if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
          return fail(name(key), node, 'must be a list of strings');
        }
        return node.items.map((i) => String((i as { value: unknown }).value));
      },
      choice(key, choices) {
        const value = this.string(key);
        if (value === undefined) return undefined;
        if (!(choices as readonly string[]).includes(value)) {
          return fail(name(key), get(key), `is '${value}'`, `Use one of: ${choices.join(', ')}.`);
        }
        return value as (typeof choices)[number];
      },
      node(key) {
        return get(key);
      },
      section(key) {
        const node = get(key);
        if (node === undefined || (isScalar(node) && node.value === null)) return reader(null, name(key));
        if (!isMap(node)) return fail(name(key), node, 'must be a mapping');
        return reader(node, name(key));
      },
      done() {
        for (const item of map?.items ?? []) {
          const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
          if (!seen.has(key)) {
            fail(
              name(key),
              item.key as Node,
              'is not a known setting',
              'See the README for the settings this file takes.',
            );
          }
        }
      },
    };
  };

  const top = reader(root as YAMLMap | null, '');
  const policy = top.string('policy');
  if (policy !== undefined && !(POLICY_KEYWORDS as readonly string[]).includes(policy)) {
    try {
      toSemverRange(policy, 'policy');
    } catch {
      fail(
        'policy',
        (root as YAMLMap).get('policy', true) as Node,
        `is '${policy}', not a policy`,
        `Use ${POLICY_KEYWORDS.join(', ')} or a semver range.`,
      );
    }
  }
  const cp = top.section('control-plane');
  const dp = top.section('data-plane');
  const pr = top.section('pull-request');
  const an = top.section('analyze');
  const config: RepoConfig = {
    source: file,
    policy,
    strategy: top.choice('strategy', UPGRADE_STRATEGIES),
    includePrereleases: top.boolean('include-prereleases'),
    controlPlane: { paths: cp.list('paths') },
    dataPlane: {
      paths: dp.list('paths'),
      output: dp.choice('output', INJECT_OUTPUT_MODES),
      outputDir: dp.string('output-dir'),
      revision: dp.string('revision'),
      nativeSidecars: dp.choice('native-sidecars', NATIVE_SIDECARS_SETTINGS),
      kubernetesVersion: dp.string('kubernetes-version'),
      valuesFile: dp.string('values-file'),
      operatorFile: dp.string('operator-file'),
    },
    pullRequest: {
      base: pr.string('base'),
      labels: pr.list('labels'),
      assignees: pr.list('assignees'),
      reviewers: pr.list('reviewers'),
      teamReviewers: pr.list('team-reviewers'),
      draft: pr.boolean('draft'),
      autoMerge: pr.choice('auto-merge', AUTO_MERGE_METHODS),
      autoMergeWhen: pr.choice('auto-merge-when', AUTO_MERGE_WHEN),
      signCommits: pr.boolean('sign-commits'),
    },
    analyze: {
      failureThreshold: an.choice('failure-threshold', ANALYZE_LEVELS),
      suppress: an.list('suppress'),
    },
  };
  const waves = readWaves(top.node('waves'));
  if (waves) config.waves = waves;
  // A canary hop is three PRs across the whole mesh; waves pin one version per path set: not combined (ADR 0010).
  if (waves && config.strategy === 'canary')
    fail(
      'waves',
      top.node('waves'),
      'cannot be combined with strategy: canary',
      'A revision (canary) upgrade moves the whole mesh in three PRs; waves roll one version out path by path. Use strategy: in-place with waves, or drop waves.',
    );
  const dashboard = top.boolean('dashboard');
  if (dashboard !== undefined) config.dashboard = dashboard;
  for (const section of [cp, dp, pr, an, top]) section.done();
  return config;

  function readWaves(node: Node | undefined): WaveConfig[] | undefined {
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (!isSeq(node) || node.items.length === 0)
      return fail(
        'waves',
        node,
        'must be a list of waves',
        'Each wave is a mapping: name, paths, soak, require-checks.',
      );
    const out: WaveConfig[] = [];
    node.items.forEach((item, index) => {
      const where = `waves[${index}]`;
      if (!isMap(item)) return fail(where, item as Node, 'must be a mapping with name and paths');
      const wave = reader(item, where);
      const name = wave.string('name');
      if (!name) return fail(`${where}.name`, item, 'is required');
      if (out.some((w) => w.name === name))
        fail(`${where}.name`, item.get('name', true) as Node, `repeats the wave name '${name}'`);
      const paths = wave.list('paths');
      if (!paths || paths.length === 0) return fail(`${where}.paths`, item, 'must list at least one glob');
      const soakText = wave.string('soak');
      const soakMs = soakText === undefined ? 0 : parseDuration(soakText);
      if (soakMs === undefined)
        fail(
          `${where}.soak`,
          item.get('soak', true) as Node,
          `is '${soakText}', not a duration`,
          'Write it like 36h, 2d, 1d12h or 90m.',
        );
      const requireChecks = wave.list('require-checks') ?? [];
      wave.done();
      out.push({
        name,
        paths,
        soakMs: soakMs ?? 0,
        ...(soakText !== undefined ? { soak: soakText } : {}),
        requireChecks,
        file,
        ...(lineOf(item) ? { line: lineOf(item) } : {}),
      });
    });
    return out;
  }
}
