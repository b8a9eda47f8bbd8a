// Which files an analysis reads: globs, files and directories expanded inside the workspace.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { InvalidInputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';

const READABLE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const NEVER_WALKED = new Set(['.git', 'node_modules']);

export function requireFile(path: string, cwd: string, input: string): void {
  let ok = false;
  const real = resolveInsideWorkspace(cwd, path, input);
  try {
    ok = statSync(real).isFile();
  } catch {
    ok = false;
  }
  // istioctl ignores an unreadable mesh config silently, which would analyze with the wrong one.
  if (!ok)
    throw new InvalidInputError(`${path} is not a file`, {
      input,
      hint: 'Give a path relative to the workspace.',
    });
}

/**
 * Expands globs, files and directories (walked recursively) to the `.yaml`, `.yml` and `.json`
 * files under `cwd`, sorted, relative, `/`-separated. Patterns starting with `!` exclude.
 */
export function resolveAnalyzeFiles(
  patterns: readonly string[],
  cwd: string,
  logger: Logger = silentLogger,
): string[] {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(p.slice(1), { dot: true }));
  if (include.length === 0)
    throw new InvalidInputError('no paths to analyze', {
      input: 'paths',
      hint: "Give globs such as 'clusters/**/*.yaml'.",
    });
  const found = new Set<string>();
  const realCwd = realpathSync(cwd);
  for (const pattern of include) {
    const before = found.size;
    // The same boundary as every other reader: nothing outside the workspace, not even through a link.
    if (pattern.replace(/^!/, '').split(/[\\/]/).includes('..'))
      throw new InvalidInputError(`'${pattern}' leads outside the workspace`, {
        input: 'paths',
        hint: 'Give globs relative to the repository root, without `..`.',
      });
    const absolute = resolve(cwd, pattern);
    const stat = statOrUndefined(absolute);
    if (stat?.isFile()) {
      resolveInsideWorkspace(cwd, pattern, 'paths');
      const rel = toRelative(absolute, cwd);
      if (READABLE_EXTENSIONS.has(extname(rel).toLowerCase())) found.add(rel);
      else logger.notice(`skipped ${rel}: istioctl reads only .yaml, .yml and .json files`);
    } else if (stat?.isDirectory()) {
      const real = resolveInsideWorkspace(cwd, pattern, 'paths');
      for (const file of walk(real, realCwd, logger)) found.add(toRelative(file, realCwd));
    } else {
      const { base } = picomatch.scan(pattern);
      const matches = picomatch(pattern, { dot: true });
      const root = resolveInsideWorkspace(cwd, base || '.', 'paths');
      for (const file of walk(root, realCwd, logger)) {
        const rel = toRelative(file, realCwd);
        if (matches(rel)) found.add(rel);
      }
    }
    if (found.size === before) logger.warning(`paths: '${pattern}' matched no .yaml, .yml or .json file`);
  }
  const files = [...found].filter((f) => !exclude.some((m) => m(f))).sort();
  if (files.length === 0)
    throw new InvalidInputError(`no .yaml, .yml or .json file matches ${include.join(', ')}`, {
      input: 'paths',
      hint: 'Check the globs; they are relative to the workspace.',
    });
  return files;
}

/** Files under `dir`; symbolic links are never followed (one leading outside `root` is refused aloud). */
function* walk(dir: string, root: string, logger: Logger): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    logger.warning(`could not read directory ${toRelative(dir, root) || '.'}: ${(error as Error).message}`);
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NEVER_WALKED.has(entry.name)) yield* walk(full, root, logger);
    } else if (entry.isSymbolicLink()) {
      const rel = toRelative(full, root);
      let inside = false;
      try {
        inside = resolveInsideWorkspace(root, rel) !== '';
      } catch {
        inside = false;
      }
      if (!inside)
        logger.warning(`refused ${rel}: a symbolic link that leads outside the workspace`, { file: rel });
    } else if (entry.isFile() && READABLE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      yield full;
    }
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function toRelative(file: string, cwd: string): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  return rel.split(sep).join('/');
}
