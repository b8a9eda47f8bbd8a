// `istioctl analyze` run offline over files: which files it sees, the flags per version, its JSON
// findings and stderr parse errors turned into typed results, and pass or fail decided here.
// The concerns live in analyze/: findings (shapes, levels, suppressions), files (which files),
// locate (documents and lines), run (arguments, process, exit) and parse (istioctl's output).
import { resolve } from 'node:path';
import { silentLogger } from '../logger.js';
import { requireFile, resolveAnalyzeFiles, toRelative } from './analyze/files.js';
import {
  countFindings,
  levelRank,
  sortFindings,
  validateSuppression,
  type AnalyzeFinding,
  type AnalyzeLevel,
  type AnalyzeOptions,
  type AnalyzeResult,
} from './analyze/findings.js';
import { collectScreening, locateFileErrors, screenFile } from './analyze/locate.js';
import { parseAnalyzeJson, parseFileErrors, unknownCodeWarnings } from './analyze/parse.js';
import { analyzeArgs, runAnalyze } from './analyze/run.js';

export {
  ANALYZE_LEVELS,
  countFindings,
  levelRank,
  sortFindings,
  type AnalyzeFinding,
  type AnalyzeLevel,
  type AnalyzeOptions,
  type AnalyzeResult,
  type SkippedDocument,
} from './analyze/findings.js';
export { resolveAnalyzeFiles } from './analyze/files.js';
export { splitYamlChunks, type YamlChunk } from './analyze/locate.js';
export { parseAnalyzeJson, parseFileErrors, splitReference } from './analyze/parse.js';
export { analyzeArgs, checkAnalyzeExit, classifyAnalyzeExit, type AnalyzeExit } from './analyze/run.js';

export async function analyzeManifests(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const logger = options.logger ?? silentLogger;
  const { failureThreshold, outputThreshold } = thresholds(options);
  const ignoreUnknown = options.ignoreUnknown ?? true;
  for (const entry of options.suppress ?? []) validateSuppression(entry);
  if (options.meshConfigFile) requireFile(options.meshConfigFile, cwd, 'mesh-config-file');

  const files = resolveAnalyzeFiles(options.paths, cwd, logger);
  const screened = files.map((file) => screenFile(file, cwd));
  const { skipped, ownFindings, analyzedFiles } = collectScreening(screened, ignoreUnknown);

  const args = analyzeArgs(options, analyzedFiles);
  let istioFindings: AnalyzeFinding[] = [];
  if (analyzedFiles.length > 0) {
    logger.info(`istioctl ${args.join(' ')}`);
    const run = await runAnalyze(options.binary, args, cwd, options.timeoutMs);
    istioFindings = parseAnalyzeJson(run.stdout).map((f) => ({
      ...f,
      file: f.file && toRelative(f.file, cwd),
    }));
    for (const warning of unknownCodeWarnings(run.stderr)) logger.warning(warning);
    locateFileErrors(parseFileErrors(run.stderr), screened, cwd, ignoreUnknown, { skipped, ownFindings });
  }
  for (const s of skipped) logger.notice(`skipped, not a Kubernetes object: ${s.reason}`, s);

  const all = sortFindings([...ownFindings, ...istioFindings]);
  const failing = all.some((f) => levelRank(f.level) >= levelRank(failureThreshold));
  const findings = all.filter((f) => levelRank(f.level) >= levelRank(outputThreshold));
  return {
    result: failing ? 'fail' : 'pass',
    findings,
    counts: countFindings(findings),
    failureThreshold,
    outputThreshold,
    analyzedFiles,
    skipped,
    args,
  };
}

function thresholds(options: AnalyzeOptions): {
  failureThreshold: AnalyzeLevel;
  outputThreshold: AnalyzeLevel;
} {
  const failureThreshold = options.failureThreshold ?? 'Error';
  const requestedOutput = options.outputThreshold ?? 'Info';
  // A failure nobody can see is worse than a longer report.
  const outputThreshold =
    levelRank(requestedOutput) <= levelRank(failureThreshold) ? requestedOutput : failureThreshold;
  return { failureThreshold, outputThreshold };
}
