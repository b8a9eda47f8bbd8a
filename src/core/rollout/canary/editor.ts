// The canary steps' edit buffer: byte splices per file (inside `helm.values` strings too), whole new
// files and deletions, gathered so that a step is written as one all-or-nothing change.
import { readFileSync } from 'node:fs';
import { FileFormatError } from '../../errors.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import type { HelmInstall, YamlPath } from './shape.js';
import { reencodeBlock, valuesBlockOf, type ValuesBlock } from './values-text.js';
import { applyTextEdits, documentsOf, findObject, type LocatedDocument, type TextEdit } from './yaml-text.js';

/** What a step writes: new contents per file (null: the file is deleted). */
export interface CanaryEdit {
  /** Workspace-relative path -> new content, or null to delete. */
  files: Map<string, string | null>;
  /** Workspace-relative path -> content as read (null: the file is new). */
  read: Map<string, string | null>;
  /** Lines for the PR body: what changed and why. */
  notes: string[];
}

export const KUSTOMIZATIONS = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** An install whose inline values an edit touches. */
export interface ValuesHolder {
  file: string;
  name: string;
  shape: HelmInstall['shape'];
}

/** One splice of a values map at `path` in `text` (the file, or a `helm.values` string). */
export type ValuesOp = (text: string, located: LocatedDocument, path: YamlPath) => TextEdit | undefined;

export class Editor {
  readonly edits = new Map<string, TextEdit[]>();
  readonly whole = new Map<string, string | null>();
  readonly read = new Map<string, string | null>();
  readonly notes: string[] = [];
  /** Edits inside Argo CD `helm.values` strings, per file and block, applied to the block whole. */
  readonly blocks = new Map<string, { file: string; block: ValuesBlock; edits: TextEdit[] }>();
  constructor(readonly workspace: string) {}

  /** An edit of an install's inline values: `op` gets the values' text, document and map path. */
  values(install: ValuesHolder, op: ValuesOp): void {
    const { file, name, shape } = install;
    const { text, located } = objectDocument(this, file, shape.kind, name);
    if (!shape.valuesText) return this.add(file, op(text, located, shape.valuesPath));
    const block = valuesBlockOf(text, file, located, shape.valuesText);
    const key = `${file}\0${block.start}`;
    const entry = this.blocks.get(key) ?? { file, block, edits: [] };
    this.blocks.set(key, entry);
    const [inner] = documentsOf(block.inner, file);
    if (!inner) throw new FileFormatError(`${shape.label} has empty helm.values`, { file });
    const edit = op(block.inner, inner, []);
    if (edit) entry.edits.push(edit);
  }

  text(file: string): string {
    if (!this.read.has(file)) {
      let content: string | null;
      try {
        content = readFileSync(resolveInsideWorkspace(this.workspace, file), 'utf8');
      } catch {
        content = null;
      }
      this.read.set(file, content);
    }
    const content = this.read.get(file);
    if (content === null || content === undefined)
      throw new FileFormatError('the file was not found', { file });
    return content;
  }

  exists(file: string): boolean {
    try {
      this.text(file);
      return true;
    } catch {
      return false;
    }
  }

  add(file: string, edit: TextEdit | undefined): void {
    if (edit) this.edits.set(file, [...(this.edits.get(file) ?? []), edit]);
  }

  create(file: string, content: string): void {
    if (this.exists(file))
      throw new FileFormatError("the canary's file already exists", {
        file,
        hint: 'Remove or rename it, or merge the open canary PR, then run again.',
      });
    this.read.set(file, null);
    this.whole.set(file, content);
  }

  remove(file: string): void {
    this.text(file);
    this.whole.set(file, null);
  }

  result(): CanaryEdit {
    for (const { file, block, edits } of this.blocks.values())
      this.add(file, {
        start: block.start,
        end: block.end,
        replacement: reencodeBlock(block, applyTextEdits(block.inner, file, edits)),
      });
    this.blocks.clear();
    const files = new Map<string, string | null>(this.whole);
    for (const [file, edits] of this.edits) {
      if (files.get(file) === null) continue;
      files.set(file, applyTextEdits(this.text(file), file, edits));
    }
    for (const [file, content] of [...files])
      if (content !== null && content === this.read.get(file)) files.delete(file);
    return { files, read: this.read, notes: this.notes };
  }
}

export function objectDocument(editor: Editor, file: string, kind: string, name: string) {
  const text = editor.text(file);
  const located = findObject(text, file, kind, name);
  if (!located)
    throw new FileFormatError(`${kind} ${name} was not found in the file`, {
      file,
      hint: 'The rendered name differs from the one written (a kustomize prefix?); make this step by hand.',
    });
  return { text, located };
}
