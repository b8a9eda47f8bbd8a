// Writes a canary step's Flux edits into the workspace: every changed or new file in one
// all-or-nothing write, then the files the step deletes.
import { rmSync } from 'node:fs';
import { writeFilesAtomically } from '../../workspace/atomic.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import { explainFileError } from '../../workspace/os-errors.js';
import { addCanaryEdits, cleanupEdits, moveDataPlaneEdits, type CanaryEdit } from './releases.js';
import type { CanaryPlan } from './plan.js';

export interface CanaryStepResult {
  /** Workspace-relative files written or deleted, sorted. */
  files: string[];
  /** For the PR body: what the step changed and why. */
  notes: string[];
}

/** The edits of the plan's step, computed from the workspace as it is now. */
export function canaryEdits(workspace: string, plan: CanaryPlan): CanaryEdit {
  switch (plan.phase) {
    case 'add':
      return addCanaryEdits(workspace, plan.model, plan.old, plan.target);
    case 'move':
      return moveDataPlaneEdits(workspace, plan.model, plan.cluster, plan.old, plan.next!, plan.references);
    case 'cleanup':
      return cleanupEdits(workspace, plan.old, plan.next!);
  }
}

/** Writes the step's edits (dry run: only says which files they touch). */
export function applyCanaryStep(
  workspace: string,
  plan: CanaryPlan,
  options: { dryRun?: boolean } = {},
): CanaryStepResult {
  const edit = canaryEdits(workspace, plan);
  const files = [...edit.files.keys()].sort();
  if (options.dryRun) return { files, notes: edit.notes };
  const abs = (file: string) => resolveInsideWorkspace(workspace, file);
  writeFilesAtomically(
    files
      .filter((f) => edit.files.get(f) !== null)
      .map((f) => ({ path: abs(f), content: edit.files.get(f)!, expected: edit.read.get(f) ?? null })),
    { root: workspace },
  );
  // Deleted last: the write above already unlisted them, so a run stopped here leaves a file nothing renders.
  for (const file of files.filter((f) => edit.files.get(f) === null)) {
    try {
      rmSync(abs(file));
    } catch (error) {
      throw explainFileError(error, 'deleting', file);
    }
  }
  return { files, notes: edit.notes };
}
