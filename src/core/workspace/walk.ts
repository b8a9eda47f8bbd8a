// The directory walk, where git cannot list the files: .gitignore files applied at every level, links
// never followed (noticed, and refused when they lead outside).
import { readdirSync, readFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import type { Logger } from '../logger.js';
import { symlinkNotice } from './symlinks.js';

export function walkFiles(
  realRoot: string,
  wanted: (path: string) => boolean,
  options: { respectGitignore?: boolean },
  logger: Logger,
): string[] {
  const found: string[] = [];
  const walk = (directory: string, rules: { base: string; matcher: Ignore }[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(realRoot, directory), { withFileTypes: true });
    } catch (error) {
      logger.warning(`could not read directory ${directory || '.'}: ${(error as Error).message}`);
      return;
    }
    const here =
      options.respectGitignore === false ? rules : withGitignore(realRoot, directory, rules, entries);
    for (const entry of entries) {
      const path = directory ? `${directory}/${entry.name}` : entry.name;
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const isDirectory = entry.isDirectory();
      if (ignoredBy(here, path, isDirectory)) continue;
      if (isDirectory) {
        walk(path, here);
      } else if (entry.isSymbolicLink()) {
        if (wanted(path)) symlinkNotice(realRoot, path, logger);
      } else if (entry.isFile() && wanted(path)) {
        found.push(path);
      }
    }
  };
  walk('', []);
  return found;
}

function withGitignore(
  root: string,
  directory: string,
  rules: { base: string; matcher: Ignore }[],
  entries: Dirent[],
): { base: string; matcher: Ignore }[] {
  if (!entries.some((e) => e.name === '.gitignore' && e.isFile())) return rules;
  const text = readFileSync(join(root, directory, '.gitignore'), 'utf8');
  return [...rules, { base: directory, matcher: ignore().add(text) }];
}

function ignoredBy(rules: { base: string; matcher: Ignore }[], path: string, isDirectory: boolean): boolean {
  for (const { base, matcher } of rules) {
    const inside = base === '' ? path : path.slice(base.length + 1);
    if (matcher.ignores(isDirectory ? `${inside}/` : inside)) return true;
  }
  return false;
}
