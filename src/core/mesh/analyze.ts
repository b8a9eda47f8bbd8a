// The mesh invariants next to istioctl analyze: MESH findings as analysis findings (same annotations,
// summary, SARIF rules and JSON), and istioctl analyze run over the rendered roots, with its findings
// mapped back to the repo files that produced each object.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  analyzeManifests,
  countFindings,
  levelRank,
  sortFindings,
  type AnalyzeFinding,
  type AnalyzeOptions,
  type AnalyzeResult,
} from '../istioctl/analyze.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { checkMeshInvariants, type ArtifactHostRules } from './invariants.js';
import { buildMesh, type MeshBuild, type MeshModelOptions } from './model.js';
import type { MeshFinding, RenderedObject } from './types.js';

/** A MESH finding in the shape istioctl's findings take; the hint follows the message. */
function meshFindingToAnalyze(finding: MeshFinding): AnalyzeFinding {
  return {
    code: finding.code,
    level: finding.level,
    origin: finding.origin,
    message: `${finding.message} (cluster ${finding.cluster}). ${finding.hint}`,
    ...(finding.file
      ? { reference: `${finding.file}${finding.line ? `:${finding.line}` : ''}`, file: finding.file }
      : {}),
    ...(finding.line ? { line: finding.line } : {}),
    source: 'autopilot',
  };
}

/** `result` with `extra` findings added under the same thresholds. */
export function withFindings(result: AnalyzeResult, extra: readonly AnalyzeFinding[]): AnalyzeResult {
  const failing =
    result.result === 'fail' || extra.some((f) => levelRank(f.level) >= levelRank(result.failureThreshold));
  const findings = sortFindings([
    ...result.findings,
    ...extra.filter((f) => levelRank(f.level) >= levelRank(result.outputThreshold)),
  ]);
  return {
    ...result,
    result: failing ? 'fail' : 'pass',
    findings,
    counts: countFindings(findings),
  };
}

export interface MeshAnalysisOptions extends MeshModelOptions {
  hosts?: ArtifactHostRules;
  now?: Date;
}

/** Builds the model and checks the invariants; the model's warnings go to the log. */
export async function analyzeMesh(
  workspace: string,
  options: MeshAnalysisOptions = {},
): Promise<{ build: MeshBuild; findings: AnalyzeFinding[] }> {
  const logger = options.logger ?? silentLogger;
  const build = await buildMesh(workspace, options);
  for (const w of build.model.warnings)
    logger.warning(w.message, { ...(w.file ? { file: w.file } : {}), ...(w.line ? { line: w.line } : {}) });
  const hostOptions = {
    ...(options.hosts ? { hosts: options.hosts } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const findings = checkMeshInvariants(build.model, hostOptions).map(meshFindingToAnalyze);
  return { build, findings };
}

/**
 * istioctl analyze over what the roots render (not over the files as written), then the MESH
 * findings. Each istioctl finding points at the document in the repo that produced the object.
 */
export async function analyzeRenderedRoots(
  workspace: string,
  analyze: Omit<AnalyzeOptions, 'paths' | 'cwd'>,
  options: MeshAnalysisOptions = {},
): Promise<AnalyzeResult> {
  const logger: Logger = options.logger ?? analyze.logger ?? silentLogger;
  const { build, findings } = await analyzeMesh(workspace, { ...options, logger });
  const scratch = mkdtempSync(join(tmpdir(), 'autopilot-rendered-'));
  try {
    const lines = writeRendered(scratch, build);
    const result = await analyzeManifests({ ...analyze, cwd: scratch, paths: ['.'], logger });
    const mapped = result.findings.map((f) => mapBack(f, lines));
    return withFindings(
      { ...result, findings: mapped, analyzedFiles: build.rendered.map((r) => r.root.path) },
      findings,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

type LineIndex = Map<string, { start: number; object: RenderedObject }[]>;

function writeRendered(dir: string, build: MeshBuild): LineIndex {
  const index: LineIndex = new Map();
  build.rendered.forEach((root, n) => {
    if (root.objects.length === 0) return;
    const name = `root-${n}.yaml`;
    let text = '';
    let line = 1;
    const entries: { start: number; object: RenderedObject }[] = [];
    for (const object of root.objects) {
      const body = `---\n${stringify(object.object)}`;
      entries.push({ start: line + 1, object });
      text += body;
      line += body.split('\n').length - 1;
    }
    writeFileSync(join(dir, name), text);
    index.set(name, entries);
  });
  return index;
}

function mapBack(finding: AnalyzeFinding, index: LineIndex): AnalyzeFinding {
  const entries = finding.file ? index.get(finding.file) : undefined;
  if (!entries || finding.line === undefined) return finding;
  const entry = [...entries].reverse().find((e) => e.start <= finding.line!);
  const source = entry?.object.source;
  if (!source) return { ...finding, file: undefined, line: undefined, reference: undefined };
  return { ...finding, file: source.file, line: source.line, reference: `${source.file}:${source.line}` };
}
