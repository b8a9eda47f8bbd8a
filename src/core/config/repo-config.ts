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
import { configContext, sectionReader, type ConfigContext, type Reader } from './repo-config-reader.js';
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
  const ctx = configContext(file, lineCounter);
  const top = sectionReader(ctx, root as YAMLMap | null, '');
  const policy = readPolicy(ctx, top, root as YAMLMap | null);
  // Sections are opened, then read, then closed in this order, so the first error reported stays the same.
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
    dataPlane: readDataPlane(dp),
    pullRequest: readPullRequest(pr),
    analyze: readAnalyze(an),
  };
  const waves = readWaveSettings(ctx, top, config.strategy);
  if (waves) config.waves = waves;
  const dashboard = top.boolean('dashboard');
  if (dashboard !== undefined) config.dashboard = dashboard;
  for (const section of [cp, dp, pr, an, top]) section.done();
  return config;
}

/** A policy keyword or a semver range. */
function readPolicy(ctx: ConfigContext, top: Reader, root: YAMLMap | null): string | undefined {
  const policy = top.string('policy');
  if (policy !== undefined && !(POLICY_KEYWORDS as readonly string[]).includes(policy)) {
    try {
      toSemverRange(policy, 'policy');
    } catch {
      ctx.fail(
        'policy',
        (root as YAMLMap).get('policy', true) as Node,
        `is '${policy}', not a policy`,
        `Use ${POLICY_KEYWORDS.join(', ')} or a semver range.`,
      );
    }
  }
  return policy;
}

function readDataPlane(dp: Reader): RepoConfig['dataPlane'] {
  return {
    paths: dp.list('paths'),
    output: dp.choice('output', INJECT_OUTPUT_MODES),
    outputDir: dp.string('output-dir'),
    revision: dp.string('revision'),
    nativeSidecars: dp.choice('native-sidecars', NATIVE_SIDECARS_SETTINGS),
    kubernetesVersion: dp.string('kubernetes-version'),
    valuesFile: dp.string('values-file'),
    operatorFile: dp.string('operator-file'),
  };
}

function readPullRequest(pr: Reader): RepoConfig['pullRequest'] {
  return {
    base: pr.string('base'),
    labels: pr.list('labels'),
    assignees: pr.list('assignees'),
    reviewers: pr.list('reviewers'),
    teamReviewers: pr.list('team-reviewers'),
    draft: pr.boolean('draft'),
    autoMerge: pr.choice('auto-merge', AUTO_MERGE_METHODS),
    autoMergeWhen: pr.choice('auto-merge-when', AUTO_MERGE_WHEN),
    signCommits: pr.boolean('sign-commits'),
  };
}

function readAnalyze(an: Reader): RepoConfig['analyze'] {
  return {
    failureThreshold: an.choice('failure-threshold', ANALYZE_LEVELS),
    suppress: an.list('suppress'),
  };
}

/** The waves, refused together with a canary strategy. */
function readWaveSettings(
  ctx: ConfigContext,
  top: Reader,
  strategy: RepoConfig['strategy'],
): WaveConfig[] | undefined {
  const waves = readWaves(ctx, top.node('waves'));
  // A canary hop is three PRs across the whole mesh; waves pin one version per path set: not combined (ADR 0010).
  if (waves && strategy === 'canary')
    ctx.fail(
      'waves',
      top.node('waves'),
      'cannot be combined with strategy: canary',
      'A revision (canary) upgrade moves the whole mesh in three PRs; waves roll one version out path by path. Use strategy: in-place with waves, or drop waves.',
    );
  return waves;
}

function readWaves(ctx: ConfigContext, node: Node | undefined): WaveConfig[] | undefined {
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  if (!isSeq(node) || node.items.length === 0)
    return ctx.fail(
      'waves',
      node,
      'must be a list of waves',
      'Each wave is a mapping: name, paths, soak, require-checks.',
    );
  const out: WaveConfig[] = [];
  node.items.forEach((item, index) => out.push(readWave(ctx, item, index, out)));
  return out;
}

function readWave(
  ctx: ConfigContext,
  item: unknown,
  index: number,
  earlier: readonly WaveConfig[],
): WaveConfig {
  const { fail } = ctx;
  const where = `waves[${index}]`;
  if (!isMap(item)) return fail(where, item as Node, 'must be a mapping with name and paths');
  const wave = sectionReader(ctx, item, where);
  const name = wave.string('name');
  if (!name) return fail(`${where}.name`, item, 'is required');
  if (earlier.some((w) => w.name === name))
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
  return {
    name,
    paths,
    soakMs: soakMs ?? 0,
    ...(soakText !== undefined ? { soak: soakText } : {}),
    requireChecks,
    file: ctx.file,
    ...(ctx.lineOf(item) ? { line: ctx.lineOf(item) } : {}),
  };
}
