// Helm values tags are rewritten digits-only, so quotes, `v` and variant suffixes stay.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
