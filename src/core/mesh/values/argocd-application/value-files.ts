// Argo CD `helm.valueFiles`: a path in the source's own directory, `$ref/...` into another source of
// the Application, or a glob of either; each becomes a layer or an unresolved entry.
import { expandGlob, isGlob, readValuesFile, workspacePath } from '../files.js';
import { stringField } from '../documents.js';
import type { UnresolvedValues, ValuesLayer, ValuesLookupContext } from '../types.js';
import { isThisRepository } from './repository.js';

export interface SourceContext {
  /** The Helm source's own `repoURL` and `path`; `path` is undefined for a chart from a Helm repo. */
  repoURL?: string;
  path?: string;
  /** Every source of the Application, for `$ref`. */
  sources: readonly unknown[];
  ignoreMissing: boolean;
  /** Build environment Argo CD substitutes in paths. */
  env: Record<string, string>;
}

export interface ValueFilesResult {
  layers: ValuesLayer[];
  unresolved: UnresolvedValues[];
  notes: string[];
}

function substitute(path: string, env: Record<string, string>): string {
  return path.replace(/\$\{?(ARGOCD_[A-Z_]+)\}?/g, (whole, name: string) => env[name] ?? whole);
}

/** Where the file lives in this workspace, or why it cannot be read here. */
function locate(
  entry: string,
  source: SourceContext,
  context: ValuesLookupContext,
): { path: string } | { reason: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return { reason: 'a remote URL; Argo CD downloads it' };
  const ref = /^\$([^/]+)\/(.*)$/.exec(entry);
  if (ref) {
    const target = source.sources.find((s) => stringField(s, 'ref') === ref[1]);
    if (!target) return { reason: `no source of the Application has ref: ${ref[1]}` };
    const url = stringField(target, 'repoURL');
    if (!isThisRepository(url, context.repositoryUrls)) {
      return {
        reason: `$${ref[1]} is ${url ?? 'a source without repoURL'}, not known to be this repository`,
      };
    }
    const path = workspacePath('', ref[2]!);
    return path ? { path } : { reason: 'the path climbs out of the repository' };
  }
  if (source.path === undefined)
    return { reason: 'relative to the chart in its Helm repository, which is not in this repo' };
  if (!isThisRepository(source.repoURL, context.repositoryUrls)) {
    return { reason: `the source's repoURL ${source.repoURL ?? ''} is not known to be this repository` };
  }
  const path = workspacePath(source.path, entry);
  return path ? { path } : { reason: 'the path climbs out of the repository' };
}

async function readOne(
  path: string,
  description: string,
  source: SourceContext,
  context: ValuesLookupContext,
  out: ValueFilesResult,
): Promise<void> {
  const read = await readValuesFile(context.readFile, path, description);
  if ('layer' in read) out.layers.push(read.layer);
  else if ('unresolved' in read) out.unresolved.push(read.unresolved);
  else if (source.ignoreMissing)
    out.notes.push(`${description}: ${path} is not in the repo; ignoreMissingValueFiles skips it`);
  else
    out.unresolved.push({
      reference: description,
      reason: `${path} is not in the repo; Argo CD would fail to render`,
    });
}

type Located = { raw: string; description: string; path?: string; reason?: string };

function locateAll(
  entries: readonly string[],
  label: string,
  source: SourceContext,
  context: ValuesLookupContext,
): Located[] {
  return entries.map((raw) => {
    const entry = substitute(raw, source.env);
    const description = `${label} valueFiles ${raw}`;
    if (/\$\{?ARGOCD_/.test(entry))
      return { raw, description, reason: 'uses a build variable we cannot know' };
    return { raw, description, ...locate(entry, source, context) };
  });
}

/**
 * Each file once, in order. A glob expands in lexical order and skips files listed explicitly, which
 * keep their own place (Argo CD's rule).
 */
export async function readValueFiles(
  entries: readonly string[],
  label: string,
  source: SourceContext,
  context: ValuesLookupContext,
): Promise<ValueFilesResult> {
  const out: ValueFilesResult = { layers: [], unresolved: [], notes: [] };
  const located = locateAll(entries, label, source, context);
  const explicit = new Set(located.filter((l) => l.path && !isGlob(l.path)).map((l) => l.path!));
  const seen = new Set<string>();
  for (const { description, path, reason } of located) {
    if (!path) {
      out.unresolved.push({ reference: description, reason: reason ?? 'cannot be located' });
      continue;
    }
    const glob = isGlob(path);
    const paths = glob ? expandGlob(path, context.files ?? []).filter((p) => !explicit.has(p)) : [path];
    if (glob && paths.length === 0) {
      if (source.ignoreMissing)
        out.notes.push(`${description} matches no file; ignoreMissingValueFiles skips it`);
      else out.unresolved.push({ reference: description, reason: 'the glob matches no file in the repo' });
    }
    for (const file of paths.filter((p) => !seen.has(p))) {
      seen.add(file);
      await readOne(file, description, source, context, out);
    }
  }
  return out;
}
