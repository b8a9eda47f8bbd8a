// The source engine: find where a workspace points at Istio's retired hosts, decide which locations
// a version needs moved, and turn each move into a byte splice the pins' writer applies.
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { uniqueByPosition, type Splice } from '../pins/splice.js';
import type { SourceText } from '../pins/types.js';
import { parseEditableYamlFile } from '../pins/yaml-documents.js';
import {
  chartRepositoryServes,
  currentChartRepository,
  currentImageLocation,
  imageRegistryServes,
} from '../releases/artifact-hosts.js';
import type { ArtifactSourceVerdict } from '../releases/artifact-hosts.js';
import {
  DEFAULT_PATTERNS,
  globMatcher,
  isRegularWorkspaceFile,
  listWorkspace,
  noticeSkipped,
  readWorkspaceFile,
} from '../workspace/files.js';
import { SOURCE_KINDS } from './index.js';
import type { IstioSource, SourceKind, SourceMove } from './types.js';
import { RETIRED_HOST_KEYWORDS } from './yaml-sources.js';

/** The workspace default plus the scripts the script-urls kind reads. */
const DEFAULT_SOURCE_PATTERNS: readonly string[] = [
  ...DEFAULT_PATTERNS,
  '**/*.sh',
  '**/Makefile',
  '**/*.mk',
  '**/Dockerfile*',
];

export type SourceInput = { files: readonly SourceText[] } | { root: string; paths?: readonly string[] };

export interface FindSourcesOptions {
  logger?: Logger;
  kinds?: readonly SourceKind[];
}

/** Every location on a retired Istio host in the files (or the workspace's files matching `paths`). */
export function findIstioSources(input: SourceInput, options: FindSourcesOptions = {}): IstioSource[] {
  const logger = options.logger ?? silentLogger;
  const kinds = options.kinds ?? SOURCE_KINDS;
  const matchers = kinds.map((kind) => ({ kind, matches: globMatcher(kind.filePatterns) }));
  const sources: IstioSource[] = [];
  const visit = (path: string, text: string): void => {
    if (!RETIRED_HOST_KEYWORDS.some((keyword) => text.includes(keyword))) return;
    const selected = matchers.filter((m) => m.matches(path)).map((m) => m.kind);
    for (const kind of selected) if (kind.input === 'text') sources.push(...kind.extract({ path, text }));
    const yamlKinds = selected.filter((kind) => kind.input === 'yaml');
    if (yamlKinds.length === 0) return;
    const file = parseEditableYamlFile({ path, text }, logger);
    if (file) for (const kind of yamlKinds) sources.push(...kind.extract(file));
  };
  if ('files' in input) {
    for (const file of input.files) visit(file.path, file.text);
  } else {
    const listing = listWorkspace(input.root, {
      patterns: input.paths?.length ? input.paths : DEFAULT_SOURCE_PATTERNS,
      logger,
      keywords: RETIRED_HOST_KEYWORDS,
    });
    for (const path of listing.paths) {
      if (listing.mentioning && !listing.mentioning.has(path)) continue;
      if (listing.mentioning && !isRegularWorkspaceFile(input.root, path, logger)) continue;
      const result = readWorkspaceFile(input.root, path);
      if (result.status !== 'ok') {
        noticeSkipped(result, logger);
        continue;
      }
      visit(path, result.content.toString('utf8'));
    }
  }
  return uniqueByPosition(sources);
}

/** Whether the location serves `version` at `now`, by Istio's rules for its hosts. */
function sourceVerdict(source: IstioSource, version: string, now?: Date): ArtifactSourceVerdict {
  return source.artifact === 'chart'
    ? chartRepositoryServes(source.value, version, now)
    : imageRegistryServes(source.value, version, now);
}

export interface SourcePlan {
  moves: SourceMove[];
  /** On a retired host with no successor Istio names (development builds): for a person to fix. */
  stuck: { source: IstioSource; reason: string }[];
}

export interface PlanSourcesOptions {
  /**
   * Move only the locations that do not serve this version at `now` (a bump's target); without it,
   * every location on a retired host moves (the "move Istio sources" step).
   */
  onlyWhereNotServing?: string;
  now?: Date;
}

/** The moves that point each location at Istio's current host, byte for byte otherwise. */
export function planSourceMoves(
  sources: readonly IstioSource[],
  options: PlanSourcesOptions = {},
): SourcePlan {
  const plan: SourcePlan = { moves: [], stuck: [] };
  for (const source of sources) {
    const version = options.onlyWhereNotServing;
    const verdict = version ? sourceVerdict(source, version, options.now) : undefined;
    if (verdict?.serves) continue;
    const replacement =
      source.artifact === 'chart' ? currentChartRepository(source.value) : currentImageLocation(source.value);
    if (replacement === undefined) {
      plan.stuck.push({
        source,
        reason:
          verdict?.reason ?? `${source.host} is retired and Istio names no successor for ${source.value}`,
      });
    } else if (replacement !== source.value) {
      plan.moves.push({ source, replacement });
    }
  }
  return plan;
}

/** A move as a splice: exactly the location text between any quotes, checked against what was read. */
export function moveSplice(move: SourceMove): Splice {
  const { source } = move;
  return {
    file: source.file,
    start: source.start,
    end: source.end,
    expected: source.value,
    replacement: move.replacement,
    line: source.line,
    column: source.column,
  };
}
