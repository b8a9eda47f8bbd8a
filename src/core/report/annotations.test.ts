import { describe, expect, it } from 'vitest';
import type { AnalyzeFinding, AnalyzeLevel } from '../istioctl/analyze.js';
import { ANNOTATIONS_PER_TYPE, planAnnotations } from './annotations.js';

function finding(level: AnalyzeLevel, file: string, line: number, code = 'IST0101'): AnalyzeFinding {
  return {
    code,
    level,
    origin: `VirtualService ns/${file}-${line}`,
    message: `problem at ${file}:${line}`,
    documentationUrl: `https://istio.io/v1.30/docs/reference/config/analysis/${code.toLowerCase()}/?ref=istioctl-analyze`,
    reference: `${file}:${line}`,
    file,
    line,
    source: 'istioctl',
  };
}

describe('planAnnotations', () => {
  it('annotates each finding on its file and line with code, origin and documentation link', () => {
    const plan = planAnnotations([finding('Warning', 'a.yaml', 3, 'IST0128')]);
    expect(plan.annotations).toEqual([
      {
        type: 'warning',
        title: 'IST0128 Warning',
        message:
          'problem at a.yaml:3 (VirtualService ns/a.yaml-3) See https://istio.io/v1.30/docs/reference/config/analysis/ist0128/?ref=istioctl-analyze',
        file: 'a.yaml',
        startLine: 3,
      },
    ]);
    expect(plan.overflow).toEqual({ error: 0, warning: 0, notice: 0 });
  });

  it('puts the most severe first and maps Info to notices', () => {
    const plan = planAnnotations([
      finding('Info', 'c.yaml', 1),
      finding('Error', 'b.yaml', 9),
      finding('Warning', 'a.yaml', 2),
    ]);
    expect(plan.annotations.map((a) => `${a.type} ${a.file}:${a.startLine}`)).toEqual([
      'error b.yaml:9',
      'warning a.yaml:2',
      'notice c.yaml:1',
    ]);
  });

  it('keeps each type within the cap and summarises the overflow in the last slot', () => {
    const errors = Array.from({ length: 14 }, (_, i) =>
      finding('Error', `e${String(i).padStart(2, '0')}.yaml`, i + 1),
    );
    const warnings = Array.from({ length: 10 }, (_, i) => finding('Warning', 'w.yaml', i + 1));
    const plan = planAnnotations([...warnings, ...errors]);
    const errorAnnotations = plan.annotations.filter((a) => a.type === 'error');
    expect(errorAnnotations).toHaveLength(ANNOTATIONS_PER_TYPE);
    expect(errorAnnotations.slice(0, 9).map((a) => a.file)).toEqual(errors.slice(0, 9).map((f) => f.file));
    expect(errorAnnotations[9]).toMatchObject({ title: '5 more errors' });
    expect(errorAnnotations[9]!.message).toContain('5 more error-level results are not annotated');
    expect(errorAnnotations[9]!.file).toBeUndefined();
    expect(plan.annotations.filter((a) => a.type === 'warning')).toHaveLength(10);
    expect(plan.overflow).toEqual({ error: 5, warning: 0, notice: 0 });
  });

  it('counts notices the step emits anyway against the notice cap', () => {
    const extraNotices = Array.from({ length: 4 }, (_, i) => ({
      type: 'notice' as const,
      message: `skipped ${i}`,
    }));
    const infos = Array.from({ length: 8 }, (_, i) => finding('Info', 'i.yaml', i + 1));
    const plan = planAnnotations(infos, { extraNotices });
    expect(plan.annotations).toHaveLength(10);
    expect(plan.overflow.notice).toBe(3);
  });

  it('annotates only changed files when given them', () => {
    const plan = planAnnotations([finding('Error', 'changed.yaml', 1), finding('Error', 'other.yaml', 1)], {
      changedFiles: new Set(['changed.yaml']),
    });
    expect(plan.annotations.map((a) => a.file)).toEqual(['changed.yaml']);
    expect(plan.outsideChange).toBe(1);
  });
});
