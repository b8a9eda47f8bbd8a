// Values files read through the workspace reader: a layer, or an unresolved entry saying why not.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { parseValuesText } from './documents.js';
import type { UnresolvedValues, ValuesLayer, WorkspaceFileReader } from './types.js';

export type FileRead = { layer: ValuesLayer } | { missing: true } | { unresolved: UnresolvedValues };

/** `dir` + `path` inside the workspace, or undefined when it climbs out (Argo CD and Helm refuse too). */
export function workspacePath(dir: string, path: string): string | undefined {
  const joined = posix.normalize(posix.join(dir, path.startsWith('/') ? path.slice(1) : path));
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined.replace(/^\.\//, '');
}

/** Reads one values file; a reader that refuses the path (outside the workspace) is unresolved. */
export async function readValuesFile(
  readFile: WorkspaceFileReader,
  path: string,
  description: string,
): Promise<FileRead> {
  let text: string | undefined;
  try {
    text = await readFile(path);
  } catch (error) {
    const reason = `the file cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    return { unresolved: { reference: description, reason } };
  }
  if (text === undefined) return { missing: true };
  const parsed = parseValuesText(text);
  if ('error' in parsed) {
    return {
      unresolved: {
        reference: description,
        reason: `the file ${parsed.error}`,
        source: { file: path, line: 1 },
      },
    };
  }
  return { layer: { description, source: { file: path, line: 1 }, values: parsed.values } };
}

export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** The workspace files a glob matches, in lexical order (Argo CD's order within one pattern). */
export function expandGlob(pattern: string, files: readonly string[]): string[] {
  const match = picomatch(pattern, { dot: false });
  return files.filter((file) => match(file)).sort();
}
