// Byte splicing shared by pin bumps and source moves: replace exact, checked ranges of a file's text
// and nothing else, check the YAML still parses, and write every changed file or none.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { FileFormatError } from '../errors.js';
import type { AtomicWriteOptions } from '../workspace/atomic.js';
import { writeFilesAtomically } from '../workspace/atomic.js';
import { resolveInsideWorkspace } from '../workspace/files.js';
import { explainFileError } from '../workspace/os-errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { chartLockSplices, lockFileOf } from './chart-lock.js';

/** One range of a file's text (character offsets, end exclusive) and what replaces it. */
export interface Splice {
  file: string;
  start: number;
  end: number;
  /** The text the range must still hold; anything else means the file moved under us. */
  expected: string;
  replacement: string;
  /** 1-based, for the error when `expected` is not found. */
  line: number;
  column: number;
}

/** One item per file position (two kinds may find the same range), in file then position order. */
export function uniqueByPosition<T extends { file: string; start: number }>(items: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = `${item.file}\0${item.start}`;
    if (!seen.has(key)) seen.set(key, item);
  }
  return [...seen.values()].sort((a, b) =>
    a.file === b.file ? a.start - b.start : a.file < b.file ? -1 : 1,
  );
}

/** The new content of every file the splices touch, spliced on bytes so nothing else can change. */
export function renderSplices(
  splices: readonly Splice[],
  readFile: (path: string) => Buffer,
): Map<string, Buffer> {
  const byFile = new Map<string, Splice[]>();
  for (const splice of splices) byFile.set(splice.file, [...(byFile.get(splice.file) ?? []), splice]);
  const rendered = new Map<string, Buffer>();
  for (const [file, fileSplices] of byFile) {
    const original = readFile(file);
    const text = original.toString('utf8');
    const ordered = [...new Map(fileSplices.map((s) => [s.start, s])).values()].sort(
      (a, b) => a.start - b.start,
    );
    const parts: Buffer[] = [];
    let at = 0;
    for (const splice of ordered) {
      const start = Buffer.byteLength(text.slice(0, splice.start));
      const end = start + Buffer.byteLength(text.slice(splice.start, splice.end));
      if (start < at) {
        throw new FileFormatError(`two edits overlap at column ${splice.column}`, {
          file,
          line: splice.line,
          hint: 'Nothing was written. Please report this file layout.',
        });
      }
      if (original.subarray(start, end).toString('utf8') !== splice.expected) {
        throw new FileFormatError(
          `expected ${splice.expected} at column ${splice.column}, found something else`,
          {
            file,
            line: splice.line,
            hint: 'The file changed since it was scanned, or is not UTF-8; run the bump again.',
          },
        );
      }
      parts.push(original.subarray(at, start), Buffer.from(splice.replacement, 'utf8'));
      at = end;
    }
    parts.push(original.subarray(at));
    const updated = Buffer.concat(parts);
    if (/\.ya?ml$/i.test(file) || file.endsWith('Kustomization')) assertStillYaml(file, updated);
    rendered.set(file, updated);
  }
  return rendered;
}

function assertStillYaml(file: string, content: Buffer): void {
  for (const document of parseAllDocuments(content.toString('utf8'))) {
    const error = document.errors[0];
    if (error) {
      throw new FileFormatError(`the edit would break the YAML: ${error.message.split('\n')[0]}`, {
        file,
        line: error.linePos?.[0]?.line,
        hint: 'Nothing was written. Please report this file layout.',
      });
    }
  }
}

export interface ApplyOptions extends AtomicWriteOptions {
  dryRun?: boolean;
  /** Where a lock file that cannot follow its edited Chart.yaml is reported. */
  logger?: Logger;
}

function readIfPresent(path: string, file: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw explainFileError(error, 'reading', file);
  }
}

/** Writes the splices into the workspace, all files or none; returns the files that change. */
export function applySplices(root: string, splices: readonly Splice[], options: ApplyOptions = {}): string[] {
  const absolute = (file: string) => resolveInsideWorkspace(root, file);
  // What each edit was based on: the commit fails if a file no longer holds it (another run, a person).
  const read = new Map<string, Buffer>();
  const rendered = renderSplices(splices, (file) => {
    let content: Buffer;
    try {
      content = readFileSync(absolute(file));
    } catch (error) {
      throw explainFileError(error, 'reading', file);
    }
    read.set(file, content);
    return content;
  });
  // A Chart.lock follows its Chart.yaml in the same all-or-nothing write.
  const lockSplices = [...rendered].flatMap(([file, content]) => {
    const lockFile = lockFileOf(file);
    const lock = lockFile ? readIfPresent(absolute(lockFile), lockFile) : undefined;
    if (!lockFile || !lock) return [];
    read.set(lockFile, lock);
    const chart = {
      chartFile: file,
      before: read.get(file)!.toString('utf8'),
      after: content.toString('utf8'),
    };
    return chartLockSplices(
      { ...chart, lockFile, lock: lock.toString('utf8') },
      options.logger ?? silentLogger,
    );
  });
  for (const [file, content] of renderSplices(lockSplices, (file) => read.get(file)!))
    rendered.set(file, content);
  const changed = [...rendered.keys()].sort();
  if (!options.dryRun) {
    writeFilesAtomically(
      changed.map((file) => ({
        path: absolute(file),
        content: rendered.get(file)!,
        expected: read.get(file)!,
      })),
      { root, ...options },
    );
  }
  return changed;
}
