// The repo's manifest files as the mesh model reads them: listed and read through the workspace
// boundary (no escapes, no binaries, .gitignore honoured), parsed once, cached for the run.
import { existsSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import {
  isRegularWorkspaceFile,
  listWorkspaceFiles,
  noticeSkipped,
  readWorkspaceFile,
  resolveInsideWorkspace,
} from '../workspace/files.js';
import { parseDocuments, type SourceDocument } from './documents.js';
import type { WorkspaceFileReader } from './values/types.js';
import type { ReadValues } from './yaml-values.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export interface RepoFiles {
  root: string;
  /** Workspace-relative paths of the YAML files, sorted. */
  paths: readonly string[];
  text(path: string): string | undefined;
  documents(path: string): SourceDocument[];
  /** The kustomization file of a workspace-relative directory, if it has one. */
  kustomizationIn(dir: string): string | undefined;
  isDirectory(path: string): boolean;
  readFile: WorkspaceFileReader;
  /** YAML that did not parse, as `file:line: message`, for warnings. */
  parseErrors: string[];
  /**
   * Drops the parsed documents (their syntax trees are most of a large model's memory); a later
   * `documents` call parses the file again.
   */
  forgetParsed(): void;
}

/**
 * `written`: the contents of files the caller has just written under `root` (workspace-relative
 * paths), taken as read instead of read back: a render of a scratch copy then holds one copy of them.
 */
export function openRepoFiles(
  root: string,
  logger: Logger = silentLogger,
  written?: ReadonlyMap<string, string>,
  readValues?: ReadValues,
): RepoFiles {
  const paths = listWorkspaceFiles(root, { patterns: ['**/*.yaml', '**/*.yml', '**/Kustomization'], logger });
  const listed = new Set(paths);
  const texts = new Map<string, string | undefined>();
  if (written)
    for (const [path, content] of written)
      if (listed.has(posix.normalize(path))) texts.set(posix.normalize(path), content);
  const parsed = new Map<string, SourceDocument[]>();
  const parseErrors: string[] = [];
  const text = (path: string): string | undefined => {
    const key = posix.normalize(path);
    if (texts.has(key)) return texts.get(key);
    let value: string | undefined;
    // Files the listing left out (ignored, outside the patterns) are read only if they are inside.
    if (listed.has(key) || safeRegular(root, key, logger)) {
      const read = readWorkspaceFile(root, key);
      if (read.status === 'ok') value = read.content.toString('utf8');
      else noticeSkipped(read, logger);
    }
    texts.set(key, value);
    return value;
  };
  const documents = (path: string): SourceDocument[] => {
    const key = posix.normalize(path);
    let docs = parsed.get(key);
    if (!docs) {
      const body = text(key);
      const result =
        body === undefined ? { documents: [], errors: [] } : parseDocuments(key, body, readValues);
      parseErrors.push(...result.errors);
      docs = result.documents;
      parsed.set(key, docs);
    }
    return docs;
  };
  const isDirectory = (path: string): boolean => {
    try {
      const real = resolveInsideWorkspace(root, path);
      return existsSync(real) && statSync(real).isDirectory();
    } catch {
      return false;
    }
  };
  const kustomizationIn = (dir: string): string | undefined =>
    KUSTOMIZATION_FILES.map((name) => joinPath(dir, name)).find(
      (p) => listed.has(p) || safeRegular(root, p, logger),
    );
  return {
    root,
    paths,
    text,
    documents,
    kustomizationIn,
    isDirectory,
    readFile: async (path) => text(path),
    parseErrors,
    forgetParsed: () => parsed.clear(),
  };
}

function safeRegular(root: string, path: string, logger: Logger): boolean {
  if (path.startsWith('..') || posix.isAbsolute(path)) return false;
  try {
    resolveInsideWorkspace(root, path);
  } catch {
    return false;
  }
  return isRegularWorkspaceFile(root, path, logger);
}

/** Joins workspace-relative paths, `.` being the root. */
export function joinPath(dir: string, name: string): string {
  return posix.normalize(dir === '.' || dir === '' ? name : `${dir}/${name}`);
}

/** `./apps/prod/` → `apps/prod`; the root is `.`; undefined when it leads outside. */
export function normalizeRepoPath(path: string): string | undefined {
  const normalized = posix.normalize(path.trim().replace(/^\/+/, '')).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return undefined;
  return normalized === '' ? '.' : normalized;
}
