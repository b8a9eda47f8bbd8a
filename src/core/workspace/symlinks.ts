// What a listing says of a symbolic link it meets: never followed, refused when it leads outside.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { isInside } from './boundary.js';

/** Symlinks are never followed by the walk: out of the workspace they are refused, inside they are duplicates. */
export function symlinkNotice(root: string, path: string, logger: Logger): void {
  let target: string;
  try {
    target = realpathSync(join(root, path));
  } catch {
    logger.notice(`skipped ${path}: a dangling symbolic link`, { file: path });
    return;
  }
  if (!isInside(root, target))
    logger.warning(`refused ${path}: a symbolic link that leads outside the workspace`, { file: path });
  else logger.debug(`skipped ${path}: a symbolic link (its target is scanned on its own)`);
}
