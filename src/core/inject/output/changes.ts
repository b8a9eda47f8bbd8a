// The files an output mode wants written: each compared with what is on disk, so only real changes
// are planned, and dispatched to the one module per output mode.
import { existsSync, readFileSync } from 'node:fs';
import type { Logger } from '../../logger.js';
import type { FileChange } from '../../workspace/atomic.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import type { Job, SourceFile } from '../jobs.js';
import type { InjectOutputMode } from '../types.js';
import { inPlaceChanges } from './in-place.js';
import { patchChanges } from './patches.js';
import { renderDirChanges } from './render-dir.js';

export interface PlannedChange extends FileChange {
  path: string;
  absolute: string;
  /** null: the file is removed in the same change (a patch migrated to ours). */
  content: string | null;
}

/** What the judged jobs ask for: new bodies per file and document, parsed outputs for patches. */
export interface JudgedOutput {
  jobs: readonly Job[];
  replacements: ReadonlyMap<SourceFile, ReadonlyMap<number, string>>;
  injectedObjects: ReadonlyMap<Job, unknown>;
}

/** Collects proposed file contents, keeping only those that differ from the workspace. */
export class ChangeSet {
  private readonly changes: PlannedChange[] = [];
  constructor(readonly root: string) {}

  /** `read`: what the run based the change on; the commit fails if the file no longer holds it. */
  propose(path: string, content: string, read?: string): void {
    const absolute = resolveInsideWorkspace(this.root, path);
    const current = existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
    if (current !== content)
      this.changes.push({ path, absolute, content, expected: read ?? current ?? null });
  }

  sorted(): PlannedChange[] {
    return [...this.changes].sort((a, b) => a.path.localeCompare(b.path));
  }
}

export function plannedChanges(
  mode: InjectOutputMode,
  root: string,
  outputDir: string | undefined,
  judged: JudgedOutput,
  logger: Logger,
): PlannedChange[] {
  const changes = new ChangeSet(root);
  if (mode === 'in-place') inPlaceChanges(judged, changes);
  else if (mode === 'render-dir') renderDirChanges(judged, outputDir!, changes);
  else patchChanges(judged, changes, logger);
  return changes.sorted();
}
