// Which of several same-named files belongs with a given one: the nearest in the directory tree.
// Flux looks substituteFrom objects up in the cluster it applies to; a repository that keeps one
// such object per cluster keeps it beside (or above) that cluster's Kustomization.
import { posix } from 'node:path';

/** How many leading directories two workspace-relative file paths share. */
function sharedDirectoryDepth(a: string, b: string): number {
  const left = posix.dirname(a).split('/');
  const right = posix.dirname(b).split('/');
  let depth = 0;
  while (depth < left.length && depth < right.length && left[depth] === right[depth] && left[depth] !== '.')
    depth++;
  return depth;
}

/** The candidates whose file shares the most directories with `from` (all of them on a tie). */
export function nearestTo<T>(from: string, candidates: readonly T[], fileOf: (c: T) => string): T[] {
  let best = -1;
  let out: T[] = [];
  for (const candidate of candidates) {
    const depth = sharedDirectoryDepth(from, fileOf(candidate));
    if (depth > best) {
      best = depth;
      out = [candidate];
    } else if (depth === best) out.push(candidate);
  }
  return out;
}
