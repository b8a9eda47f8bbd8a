// Test support: rendered objects from fixture YAML, each with the file and line its document starts on,
// and a workspace reader over a fixture folder that refuses paths outside it.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, normalize, relative, isAbsolute } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { MeshObject, WorkspaceFileReader } from '../types.js';

/** Every document of `text` as a MeshObject; `path` is the workspace path recorded as its source. */
export function objectsFrom(text: string, path: string): MeshObject[] {
  const lineCounter = new LineCounter();
  const objects: MeshObject[] = [];
  for (const document of parseAllDocuments(text, { lineCounter })) {
    const object = document.toJS() as Record<string, unknown> | null;
    if (!object || typeof object !== 'object') continue;
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const start = document.contents?.range?.[0] ?? 0;
    const mesh: MeshObject = {
      apiVersion: String(object.apiVersion ?? ''),
      kind: String(object.kind ?? ''),
      name: String(metadata.name ?? ''),
      object,
      source: { file: path, line: lineCounter.linePos(start).line },
    };
    if (typeof metadata.namespace === 'string') mesh.namespace = metadata.namespace;
    objects.push(mesh);
  }
  return objects;
}

/** Objects of fixture files in `directory` (a file: URL), recorded under their own names. */
export function fixtureObjects(directory: URL, ...files: string[]): MeshObject[] {
  return files.flatMap((file) => objectsFrom(readFileSync(new URL(file, directory), 'utf8'), file));
}

/** A reader over a fixture tree, refusing what a workspace reader refuses: escapes and absolute paths. */
export function fixtureReader(directory: URL): WorkspaceFileReader {
  const root = fileURLToPath(directory);
  return (path: string) => {
    const target = normalize(join(root, path));
    const inside = relative(root, target);
    if (isAbsolute(path) || inside.startsWith('..')) {
      return Promise.reject(new Error(`${path} is outside the workspace`));
    }
    return Promise.resolve(existsSync(target) ? readFileSync(target, 'utf8') : undefined);
  };
}

/** A reader that has no files at all, for sources that only look at objects. */
export const noFiles: WorkspaceFileReader = () => Promise.resolve(undefined);
