// Turns analysis findings into GitHub annotations on file:line, most severe first, within the
// runner's cap of 10 annotations per type per step, summarising whatever does not fit.
import type { AnalyzeFinding, AnalyzeLevel } from '../istioctl/analyze.js';
import { sortFindings } from '../istioctl/analyze.js';

export type AnnotationType = 'error' | 'warning' | 'notice';

export interface Annotation {
  type: AnnotationType;
  message: string;
  title?: string;
  file?: string;
  startLine?: number;
}

/** GitHub shows at most this many annotations of each type from one step. */
export const ANNOTATIONS_PER_TYPE = 10;

const ANNOTATION_TYPE: Record<AnalyzeLevel, AnnotationType> = {
  Error: 'error',
  Warning: 'warning',
  Info: 'notice',
};

export interface AnnotationPlan {
  annotations: Annotation[];
  /** Findings per type that did not get an annotation of their own. */
  overflow: Record<AnnotationType, number>;
  /** Findings left out because their file is not part of the change. */
  outsideChange: number;
}

export interface PlanAnnotationsOptions {
  /** Annotate only findings in these files (repo-relative); all findings when undefined. */
  changedFiles?: ReadonlySet<string>;
  /** Notices the step emits anyway (skipped files), which share the notice cap. */
  extraNotices?: readonly Annotation[];
  cap?: number;
  /** Where the full list is, for the overflow message. */
  fullListHint?: string;
}

function findingAnnotation(finding: AnalyzeFinding): Annotation {
  const docs = finding.documentationUrl ? ` See ${finding.documentationUrl}` : '';
  const origin = finding.source === 'istioctl' && finding.origin ? ` (${finding.origin})` : '';
  return {
    type: ANNOTATION_TYPE[finding.level],
    title: `${finding.code} ${finding.level}`,
    message: `${finding.message}${origin}${docs}`,
    ...(finding.file ? { file: finding.file } : {}),
    ...(finding.line ? { startLine: finding.line } : {}),
  };
}

/**
 * Picks the annotations to emit. When a type overflows its cap, the most severe findings take all
 * slots but one, and the last slot says how many more there are and where to read them.
 */
export function planAnnotations(
  findings: readonly AnalyzeFinding[],
  options: PlanAnnotationsOptions = {},
): AnnotationPlan {
  const cap = options.cap ?? ANNOTATIONS_PER_TYPE;
  const hint = options.fullListHint ?? 'the job summary lists every finding';
  const inChange = options.changedFiles
    ? findings.filter((f) => f.file !== undefined && options.changedFiles!.has(f.file))
    : [...findings];
  const byType: Record<AnnotationType, Annotation[]> = {
    error: [],
    warning: [],
    notice: [...(options.extraNotices ?? [])],
  };
  for (const finding of sortFindings(inChange))
    byType[ANNOTATION_TYPE[finding.level]].push(findingAnnotation(finding));

  const annotations: Annotation[] = [];
  const overflow: Record<AnnotationType, number> = { error: 0, warning: 0, notice: 0 };
  for (const type of ['error', 'warning', 'notice'] as const) {
    const all = byType[type];
    if (all.length <= cap) {
      annotations.push(...all);
      continue;
    }
    const shown = all.slice(0, cap - 1);
    overflow[type] = all.length - shown.length;
    annotations.push(...shown, {
      type,
      title: `${overflow[type]} more ${type === 'notice' ? 'notices' : `${type}s`}`,
      message: `${overflow[type]} more ${type}-level results are not annotated: GitHub shows ${cap} per type per step; ${hint}.`,
    });
  }
  return { annotations, overflow, outsideChange: findings.length - inChange.length };
}

/** Notices for documents the analysis left out, so a reviewer sees why a file has no findings. */
export function skippedNotices(
  skipped: readonly { file: string; line?: number; reason: string }[],
): Annotation[] {
  return skipped.map((s) => ({
    type: 'notice' as const,
    title: 'skipped',
    message: `Not analyzed: ${s.reason}`,
    file: s.file,
    ...(s.line ? { startLine: s.line } : {}),
  }));
}
