// The shapes `istioctl analyze` results take, and the levels, suppressions and ordering that apply
// to them: what every other part of the analysis and the reports share.
import { InvalidInputError } from '../../errors.js';
import type { Logger } from '../../logger.js';

export const ANALYZE_LEVELS = ['Info', 'Warning', 'Error'] as const;
export type AnalyzeLevel = (typeof ANALYZE_LEVELS)[number];

/** Codes for problems found by this module rather than by istioctl's analyzers. */
export const UNPARSEABLE_FILE_CODE = 'unparseable-file';
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

export function sortFindings(findings: AnalyzeFinding[]): AnalyzeFinding[] {
  return [...findings].sort(
    (a, b) =>
      levelRank(b.level) - levelRank(a.level) ||
      (a.file ?? '\uffff').localeCompare(b.file ?? '\uffff') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

export function validateSuppression(entry: string): void {
  if (!/^[^=\s]+=[^=]+$/.test(entry.trim()))
    throw new InvalidInputError(`'${entry}' is not a suppression`, {
      input: 'suppress',
      hint: "Write CODE=Kind namespace/name, e.g. 'IST0102=Namespace default' or 'IST0101=VirtualService shop/*'.",
    });
}

export function unknownDocumentFinding(
  file: string,
  line: number | undefined,
  reason: string,
): AnalyzeFinding {
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
