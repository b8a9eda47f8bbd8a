// Writes a canary step's edits into the workspace: every changed, new and deleted file in one
// all-or-nothing, journaled change (the cleanup removes the old istiod, rewires the kustomization and
// moves defaultRevision together, so a killed run leaves the old tree or the new one, never a mix).
import { writeFilesAtomically, type AtomicWriteOptions } from '../../workspace/atomic.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import type { CanaryEdit } from './editor.js';
import { addCanaryEdits, cleanupEdits, moveDataPlaneEdits } from './releases.js';
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
  options: { dryRun?: boolean; beforeStep?: AtomicWriteOptions['beforeStep'] } = {},
): CanaryStepResult {
  const edit = canaryEdits(workspace, plan);
  const files = [...edit.files.keys()].sort();
  if (options.dryRun) return { files, notes: edit.notes };
  const abs = (file: string) => resolveInsideWorkspace(workspace, file);
  writeFilesAtomically(
    files.map((f) => ({
      path: abs(f),
      content: edit.files.get(f) ?? null,
      expected: edit.read.get(f) ?? null,
    })),
    { root: workspace, ...(options.beforeStep ? { beforeStep: options.beforeStep } : {}) },
  );
  return { files, notes: edit.notes };
}
