// Marked env lines are rewritten digits-only; the marker comment stays.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
