// `istioctl analyze` run offline over files: which files it sees, the flags per version, its JSON
// findings and stderr parse errors turned into typed results, and pass or fail decided here.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError, IstioctlError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { resolveInsideWorkspace } from '../workspace/files.js';
import { explainFileError } from '../workspace/os-errors.js';
import { runIstioctlProcess } from './process.js';
import { analyzeRecursiveFlag } from './version-rules.js';

export const ANALYZE_LEVELS = ['Info', 'Warning', 'Error'] as const;
export type AnalyzeLevel = (typeof ANALYZE_LEVELS)[number];

/** Codes for problems found by this module rather than by istioctl's analyzers. */
const UNPARSEABLE_FILE_CODE = 'unparseable-file';
const UNKNOWN_DOCUMENT_CODE = 'unknown-document';

export interface AnalyzeFinding {
  /** istioctl's message code (IST0101...), or one of the codes above. */
  code: string;
  level: AnalyzeLevel;
  /** `<Kind> <namespace>/<name>` for istioctl findings, the file for ours. */
  origin: string;
  message: string;
  documentationUrl?: string;
  /** As istioctl printed it: `<file>:<line>`, or `<file>` for JSON inputs. */
  reference?: string;
  /** Relative to the analysis' working directory, with `/` separators. */
  file?: string;
  line?: number;
  source: 'istioctl' | 'autopilot';
}

export interface SkippedDocument {
  file: string;
  line?: number;
  reason: string;
}

export interface AnalyzeOptions {
  binary: string;
  /** The binary's Istio version; selects the flags that differ between releases. */
  version: string;
  /** Globs, files or directories relative to `cwd`; `!pattern` excludes. */
  paths: readonly string[];
  cwd?: string;
  /** Default true: without `-A`, findings outside namespace `default` are dropped by istioctl. */
  allNamespaces?: boolean;
  /** Default Error. */
  failureThreshold?: AnalyzeLevel;
  /** Default Info. Findings at or above the failure threshold are always reported. */
  outputThreshold?: AnalyzeLevel;
  /** istioctl's `CODE=Kind namespace/name` form; `*` matches part of a name. */
  suppress?: readonly string[];
  revision?: string;
  meshConfigFile?: string;
  /** Default true: documents that are not Kubernetes objects are skipped with a notice. */
  ignoreUnknown?: boolean;
  timeoutMs?: number;
  logger?: Logger;
}

export interface AnalyzeResult {
  result: 'pass' | 'fail';
  /** Findings at or above the output threshold, most severe first, then by file and line. */
  findings: AnalyzeFinding[];
  counts: { errors: number; warnings: number; infos: number };
  failureThreshold: AnalyzeLevel;
  outputThreshold: AnalyzeLevel;
  /** Files handed to istioctl, relative to cwd. */
  analyzedFiles: string[];
  /** Files or documents left out because they are not Kubernetes objects (ignore-unknown). */
  skipped: SkippedDocument[];
  /** The istioctl arguments, for the log. */
  args: string[];
}

const READABLE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const NEVER_WALKED = new Set(['.git', 'node_modules']);

export function countFindings(findings: readonly AnalyzeFinding[]): AnalyzeResult['counts'] {
  return {
    errors: findings.filter((f) => f.level === 'Error').length,
    warnings: findings.filter((f) => f.level === 'Warning').length,
    infos: findings.filter((f) => f.level === 'Info').length,
  };
}

export function levelRank(level: AnalyzeLevel): number {
  return ANALYZE_LEVELS.indexOf(level);
}

export async function analyzeManifests(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const logger = options.logger ?? silentLogger;
  const failureThreshold = options.failureThreshold ?? 'Error';
  const requestedOutput = options.outputThreshold ?? 'Info';
  // A failure nobody can see is worse than a longer report.
  const outputThreshold =
    levelRank(requestedOutput) <= levelRank(failureThreshold) ? requestedOutput : failureThreshold;
  const ignoreUnknown = options.ignoreUnknown ?? true;
  for (const entry of options.suppress ?? []) validateSuppression(entry);
  if (options.meshConfigFile) requireFile(options.meshConfigFile, cwd, 'mesh-config-file');

  const files = resolveAnalyzeFiles(options.paths, cwd, logger);
  const screened = files.map((file) => screenFile(file, cwd));
  const skipped: SkippedDocument[] = [];
  const ownFindings: AnalyzeFinding[] = [];
  const analyzedFiles: string[] = [];
  for (const file of screened) {
    for (const doc of file.unknown) {
      if (ignoreUnknown) skipped.push({ file: file.path, line: doc.contentLine, reason: doc.reason });
      else ownFindings.push(unknownDocumentFinding(file.path, doc.contentLine, doc.reason));
    }
    // A file with nothing istioctl could use is left out, so it cannot disturb the run.
    if (file.kubernetes > 0 || file.invalid > 0) analyzedFiles.push(file.path);
  }

  const args = analyzeArgs(options, analyzedFiles);
  let istioFindings: AnalyzeFinding[] = [];
  if (analyzedFiles.length > 0) {
    logger.info(`istioctl ${args.join(' ')}`);
    const run = await runIstioctlProcess(options.binary, args, { cwd, timeoutMs: options.timeoutMs });
    checkAnalyzeExit(run.exitCode, run.stderr, 'json');
    istioFindings = parseAnalyzeJson(run.stdout).map((f) => ({
      ...f,
      file: f.file && toRelative(f.file, cwd),
    }));
    for (const warning of unknownCodeWarnings(run.stderr)) logger.warning(warning);
    const byFile = new Map(screened.map((s) => [s.path, s]));
    for (const problem of parseFileErrors(run.stderr)) {
      const path = toRelative(problem.file, cwd);
      const chunk = byFile.get(path)?.chunks[problem.index];
      if (problem.unknown) {
        // Already counted by the screening when our parser agreed; otherwise report it here.
        if (chunk && byFile.get(path)?.unknown.some((d) => d.index === problem.index)) continue;
        const line = chunk?.contentLine;
        if (ignoreUnknown) skipped.push({ file: path, line, reason: problem.reason });
        else ownFindings.push(unknownDocumentFinding(path, line, problem.reason));
      } else {
        const line = chunk && problem.chunkLine ? chunk.firstLine + problem.chunkLine - 1 : chunk?.firstLine;
        ownFindings.push({
          code: UNPARSEABLE_FILE_CODE,
          level: 'Error',
          origin: path,
          message: `istioctl could not read this document: ${problem.reason}`,
          reference: line ? `${path}:${line}` : path,
          file: path,
          line,
          source: 'autopilot',
        });
      }
    }
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

/** The argument array: offline, JSON, and only the flags this version understands. */
export function analyzeArgs(options: AnalyzeOptions, files: readonly string[]): string[] {
  const args = ['analyze', '--use-kube=false', '-o', 'json'];
  if (options.allNamespaces ?? true) args.push('-A');
  // Directories are expanded here, so -R only matters where istioctl still needs it for them;
  // from 1.25 it would make analyze print a notice and analyze nothing.
  args.push(...analyzeRecursiveFlag(options.version));
  if (options.revision) args.push('--revision', options.revision);
  if (options.meshConfigFile) args.push('--meshConfigFile', options.meshConfigFile);
  for (const entry of options.suppress ?? []) args.push('--suppress', entry);
  // istioctl filters JSON by --output-threshold; ask for everything and filter here.
  args.push('--output-threshold', 'Info');
  return [...args, ...files];
}

export type AnalyzeExit = 'clean' | 'findings' | 'parse-error' | 'usage' | 'error';

/** What an exit code means. With `-o json` istioctl exits 0 whatever it found. */
export function classifyAnalyzeExit(exitCode: number, format: 'json' | 'log' | 'yaml'): AnalyzeExit {
  if (exitCode === 0) return 'clean';
  if (exitCode === 79 && format === 'log') return 'findings';
  if (exitCode === 65 && format === 'log') return 'parse-error';
  if (exitCode === 64) return 'usage';
  return 'error';
}

/** Throws for exits that are not a result (bad usage, unreadable input, crashes). */
export function checkAnalyzeExit(
  exitCode: number,
  stderr: string,
  format: 'json' | 'log' | 'yaml',
): AnalyzeExit {
  const kind = classifyAnalyzeExit(exitCode, format);
  if (kind !== 'usage' && kind !== 'error') return kind;
  const detail =
    stderr.split('\n').find((l) => l.startsWith('Error:')) ?? stderr.trim().split('\n').pop() ?? '';
  throw new IstioctlError(
    `istioctl analyze ${kind === 'usage' ? 'rejected its arguments' : 'failed'} (exit ${exitCode}): ${detail}`,
    {
      hint:
        kind === 'usage'
          ? 'Check the suppress, revision and threshold inputs against `istioctl analyze --help` for this version.'
          : 'Check that every path exists and that the istioctl binary runs on this machine.',
    },
  );
}

interface RawFinding {
  code?: unknown;
  level?: unknown;
  origin?: unknown;
  reference?: unknown;
  message?: unknown;
  documentationUrl?: unknown;
}

/** Parses `-o json` output: an array of `{code, level, origin, reference, message, documentationUrl}`. */
export function parseAnalyzeJson(stdout: string): AnalyzeFinding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(withoutLogLines(stdout));
  } catch {
    throw new IstioctlError(
      `istioctl analyze printed no JSON findings: ${stdout.trim().split('\n')[0] ?? ''}`,
      {
        hint: 'This istioctl may not support these flags; check the version input against the binary.',
      },
    );
  }
  if (!Array.isArray(parsed))
    throw new IstioctlError('istioctl analyze printed JSON that is not a list of findings');
  return (parsed as RawFinding[]).map((raw) => {
    const level = ANALYZE_LEVELS.find((l) => l === raw.level) ?? 'Error';
    const reference = typeof raw.reference === 'string' && raw.reference !== '' ? raw.reference : undefined;
    const { file, line } = splitReference(reference);
    return {
      code: String(raw.code ?? ''),
      level,
      origin: String(raw.origin ?? ''),
      message: String(raw.message ?? ''),
      ...(typeof raw.documentationUrl === 'string' && raw.documentationUrl
        ? { documentationUrl: raw.documentationUrl }
        : {}),
      ...(reference ? { reference } : {}),
      ...(file ? { file } : {}),
      ...(line ? { line } : {}),
      source: 'istioctl' as const,
    };
  });
}

// istioctl logs file problems to stdout too, ahead of the JSON: `<time>\twarn\tfile\t<message>`.
const ISTIO_LOG_LINE = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z?\t(?:debug|info|warn|error|fatal)\t/;

function withoutLogLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !ISTIO_LOG_LINE.test(line))
    .join('\n');
}

/** `dir/a.yaml:19` -> file and line; JSON inputs have no line. */
export function splitReference(reference: string | undefined): { file?: string; line?: number } {
  if (!reference) return {};
  const m = /^(.*):(\d+)$/.exec(reference);
  return m ? { file: m[1]!, line: Number(m[2]) } : { file: reference };
}

export function sortFindings(findings: AnalyzeFinding[]): AnalyzeFinding[] {
  return [...findings].sort(
    (a, b) =>
      levelRank(b.level) - levelRank(a.level) ||
      (a.file ?? '\uffff').localeCompare(b.file ?? '\uffff') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

function validateSuppression(entry: string): void {
  if (!/^[^=\s]+=[^=]+$/.test(entry.trim()))
    throw new InvalidInputError(`'${entry}' is not a suppression`, {
      input: 'suppress',
      hint: "Write CODE=Kind namespace/name, e.g. 'IST0102=Namespace default' or 'IST0101=VirtualService shop/*'.",
    });
}

function requireFile(path: string, cwd: string, input: string): void {
  let ok = false;
  const real = resolveInsideWorkspace(cwd, path, input);
  try {
    ok = statSync(real).isFile();
  } catch {
    ok = false;
  }
  // istioctl ignores an unreadable mesh config silently, which would analyze with the wrong one.
  if (!ok)
    throw new InvalidInputError(`${path} is not a file`, {
      input,
      hint: 'Give a path relative to the workspace.',
    });
}

function unknownCodeWarnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /unknown message code/.test(l))
    .map((l) => l.replace(/^Warning:\s*/, 'istioctl: '));
}

// ---- which files --------------------------------------------------------------------------------

/**
 * Expands globs, files and directories (walked recursively) to the `.yaml`, `.yml` and `.json`
 * files under `cwd`, sorted, relative, `/`-separated. Patterns starting with `!` exclude.
 */
export function resolveAnalyzeFiles(
  patterns: readonly string[],
  cwd: string,
  logger: Logger = silentLogger,
): string[] {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(p.slice(1), { dot: true }));
  if (include.length === 0)
    throw new InvalidInputError('no paths to analyze', {
      input: 'paths',
      hint: "Give globs such as 'clusters/**/*.yaml'.",
    });
  const found = new Set<string>();
  const realCwd = realpathSync(cwd);
  for (const pattern of include) {
    const before = found.size;
    // The same boundary as every other reader: nothing outside the workspace, not even through a link.
    if (pattern.replace(/^!/, '').split(/[\\/]/).includes('..'))
      throw new InvalidInputError(`'${pattern}' leads outside the workspace`, {
        input: 'paths',
        hint: 'Give globs relative to the repository root, without `..`.',
      });
    const absolute = resolve(cwd, pattern);
    const stat = statOrUndefined(absolute);
    if (stat?.isFile()) {
      resolveInsideWorkspace(cwd, pattern, 'paths');
      const rel = toRelative(absolute, cwd);
      if (READABLE_EXTENSIONS.has(extname(rel).toLowerCase())) found.add(rel);
      else logger.notice(`skipped ${rel}: istioctl reads only .yaml, .yml and .json files`);
    } else if (stat?.isDirectory()) {
      const real = resolveInsideWorkspace(cwd, pattern, 'paths');
      for (const file of walk(real, realCwd, logger)) found.add(toRelative(file, realCwd));
    } else {
      const { base } = picomatch.scan(pattern);
      const matches = picomatch(pattern, { dot: true });
      const root = resolveInsideWorkspace(cwd, base || '.', 'paths');
      for (const file of walk(root, realCwd, logger)) {
        const rel = toRelative(file, realCwd);
        if (matches(rel)) found.add(rel);
      }
    }
    if (found.size === before) logger.warning(`paths: '${pattern}' matched no .yaml, .yml or .json file`);
  }
  const files = [...found].filter((f) => !exclude.some((m) => m(f))).sort();
  if (files.length === 0)
    throw new InvalidInputError(`no .yaml, .yml or .json file matches ${include.join(', ')}`, {
      input: 'paths',
      hint: 'Check the globs; they are relative to the workspace.',
    });
  return files;
}

/** Files under `dir`; symbolic links are never followed (one leading outside `root` is refused aloud). */
function* walk(dir: string, root: string, logger: Logger): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    logger.warning(`could not read directory ${toRelative(dir, root) || '.'}: ${(error as Error).message}`);
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NEVER_WALKED.has(entry.name)) yield* walk(full, root, logger);
    } else if (entry.isSymbolicLink()) {
      const rel = toRelative(full, root);
      let inside = false;
      try {
        inside = resolveInsideWorkspace(root, rel) !== '';
      } catch {
        inside = false;
      }
      if (!inside)
        logger.warning(`refused ${rel}: a symbolic link that leads outside the workspace`, { file: rel });
    } else if (entry.isFile() && READABLE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      yield full;
    }
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function toRelative(file: string, cwd: string): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  return rel.split(sep).join('/');
}

// ---- what istioctl can read ---------------------------------------------------------------------

/** One document as Kubernetes' YAMLReader splits a file (istioctl numbers them this way). */
export interface YamlChunk {
  index: number;
  /** First non-blank line: istioctl's `yaml: line N` counts from here. */
  firstLine: number;
  /** First line that is not blank, a comment or `---`: where a notice points. */
  contentLine: number;
  text: string;
}

/**
 * Splits like k8s.io/apimachinery's YAMLReader: a line starting with `---` ends a non-empty
 * document; with an empty buffer the separator line stays part of the next document.
 */
export function splitYamlChunks(content: string): YamlChunk[] {
  const lines = content.split('\n');
  const chunks: YamlChunk[] = [];
  let buffer: { line: number; text: string }[] = [];
  const flush = () => {
    const first = buffer.find((l) => l.text.trim() !== '');
    const meaningful = buffer.find((l) => !/^\s*(#.*|---.*)?$/.test(l.text));
    chunks.push({
      index: chunks.length,
      firstLine: first?.line ?? buffer[0]?.line ?? 1,
      contentLine: meaningful?.line ?? first?.line ?? 1,
      text: buffer.map((l) => l.text).join('\n'),
    });
    buffer = [];
  };
  lines.forEach((text, i) => {
    if (i === lines.length - 1 && text === '') return;
    if (text.startsWith('---') && buffer.length > 0) return flush();
    buffer.push({ line: i + 1, text });
  });
  if (buffer.length > 0) flush();
  return chunks;
}

interface ScreenedFile {
  path: string;
  chunks: YamlChunk[];
  kubernetes: number;
  /** Documents our parser cannot read; istioctl has the last word on them. */
  invalid: number;
  unknown: { index: number; contentLine: number; reason: string }[];
}

function screenFile(path: string, cwd: string): ScreenedFile {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw explainFileError(error, 'reading', path, 'paths');
  }
  const chunks = splitYamlChunks(text);
  const screened: ScreenedFile = { path, chunks, kubernetes: 0, invalid: 0, unknown: [] };
  for (const chunk of chunks) {
    let value: unknown;
    try {
      value = parseYaml(chunk.text, { uniqueKeys: false });
    } catch {
      screened.invalid++;
      continue;
    }
    if (value === null || value === undefined) continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      const { apiVersion, kind } = value as Record<string, unknown>;
      if (typeof apiVersion === 'string' && apiVersion && typeof kind === 'string' && kind) {
        screened.kubernetes++;
        continue;
      }
    }
    screened.unknown.push({
      index: chunk.index,
      contentLine: chunk.contentLine,
      reason: Array.isArray(value)
        ? 'a YAML list (a JSON patch?) is not a Kubernetes object'
        : 'document has no apiVersion and kind (a kustomization, patch or values file?)',
    });
  }
  return screened;
}

interface FileError {
  file: string;
  index: number;
  reason: string;
  unknown: boolean;
  /** `yaml: line N` inside the document, when istioctl says. */
  chunkLine?: number;
}

/** Reads istioctl's `* error processing <file>[<n>]: <reason>` lines from stderr. */
export function parseFileErrors(stderr: string): FileError[] {
  const seen = new Set<string>();
  const errors: FileError[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^\s*\* error (?:processing|reading documents in) (.+)\[(\d+)\]: (.*)$/.exec(line);
    if (!m) continue;
    const [, file, index, reason] = m as unknown as [string, string, string, string];
    const key = `${file}[${index}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    const yamlLine = /yaml: line (\d+)/.exec(reason);
    errors.push({
      file,
      index: Number(index),
      reason: reason.trim(),
      unknown: /no group, version and kind|couldn't get version\/kind/.test(reason),
      ...(yamlLine ? { chunkLine: Number(yamlLine[1]) } : {}),
    });
  }
  return errors;
}

function unknownDocumentFinding(file: string, line: number | undefined, reason: string): AnalyzeFinding {
  return {
    code: UNKNOWN_DOCUMENT_CODE,
    level: 'Error',
    origin: file,
    message: `not a Kubernetes object istioctl can read: ${reason}. Set ignore-unknown to skip such documents.`,
    reference: line ? `${file}:${line}` : file,
    file,
    ...(line ? { line } : {}),
    source: 'autopilot',
  };
}
