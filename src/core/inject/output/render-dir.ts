// The `render-dir` output: sources stay clean; an injected copy of every file with a workload is
// written under the output directory at the same relative path.
import { posix } from 'node:path';
import { replaceDocumentBodies } from '../documents.js';
import type { ChangeSet, JudgedOutput } from './changes.js';

export function renderDirChanges(judged: JudgedOutput, outputDir: string, changes: ChangeSet): void {
  const filesWithWorkloads = [...new Set(judged.jobs.map((j) => j.file))];
  for (const file of filesWithWorkloads) {
    const perFile = judged.replacements.get(file) ?? new Map<number, string>();
    // Clean sources are re-injected into the copies, whatever the copies held before.
    changes.propose(posix.join(outputDir, file.path), replaceDocumentBodies(file.text, file.slices, perFile));
  }
}
