// The `in-place` output: each changed document's body replaced in its own file, every other byte kept.
import { replaceDocumentBodies } from '../documents.js';
import type { ChangeSet, JudgedOutput } from './changes.js';

export function inPlaceChanges(judged: JudgedOutput, changes: ChangeSet): void {
  for (const [file, perFile] of judged.replacements)
    changes.propose(file.path, replaceDocumentBodies(file.text, file.slices, perFile), file.text);
}
