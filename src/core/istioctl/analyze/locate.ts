// Where findings sit in the source: files split into documents as istioctl numbers them, the
// documents screened for what istioctl can read, and istioctl's file problems mapped to lines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { explainFileError } from '../../workspace/os-errors.js';
import { toRelative } from './files.js';
import {
  UNPARSEABLE_FILE_CODE,
  unknownDocumentFinding,
  type AnalyzeFinding,
  type SkippedDocument,
} from './findings.js';
import type { FileError } from './parse.js';

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

export interface ScreenedFile {
  path: string;
  chunks: YamlChunk[];
  kubernetes: number;
  /** Documents our parser cannot read; istioctl has the last word on them. */
  invalid: number;
  unknown: { index: number; contentLine: number; reason: string }[];
}

export function screenFile(path: string, cwd: string): ScreenedFile {
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

/** Where the screening's own findings and skipped documents go. */
export interface ScreeningOutcome {
  skipped: SkippedDocument[];
  ownFindings: AnalyzeFinding[];
  /** Files handed to istioctl. */
  analyzedFiles: string[];
}

/** Unknown documents become notices or findings; files with nothing istioctl could use are left out. */
export function collectScreening(
  screened: readonly ScreenedFile[],
  ignoreUnknown: boolean,
): ScreeningOutcome {
  const outcome: ScreeningOutcome = { skipped: [], ownFindings: [], analyzedFiles: [] };
  for (const file of screened) {
    for (const doc of file.unknown) {
      if (ignoreUnknown) outcome.skipped.push({ file: file.path, line: doc.contentLine, reason: doc.reason });
      else outcome.ownFindings.push(unknownDocumentFinding(file.path, doc.contentLine, doc.reason));
    }
    // A file with nothing istioctl could use is left out, so it cannot disturb the run.
    if (file.kubernetes > 0 || file.invalid > 0) outcome.analyzedFiles.push(file.path);
  }
  return outcome;
}

/** istioctl's file problems, placed on the document's lines and added to `outcome`. */
export function locateFileErrors(
  problems: readonly FileError[],
  screened: readonly ScreenedFile[],
  cwd: string,
  ignoreUnknown: boolean,
  outcome: Pick<ScreeningOutcome, 'skipped' | 'ownFindings'>,
): void {
  const { skipped, ownFindings } = outcome;
  const byFile = new Map(screened.map((s) => [s.path, s]));
  for (const problem of problems) {
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
      ownFindings.push(unparseableFinding(path, line, problem.reason));
    }
  }
}

function unparseableFinding(path: string, line: number | undefined, reason: string): AnalyzeFinding {
  return {
    code: UNPARSEABLE_FILE_CODE,
    level: 'Error',
    origin: path,
    message: `istioctl could not read this document: ${reason}`,
    reference: line ? `${path}:${line}` : path,
    file: path,
    line,
    source: 'autopilot',
  };
}
