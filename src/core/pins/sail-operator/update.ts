// Sail versions keep their `v` (`v1.24.2` -> `v1.25.0`): only the digits after it are replaced.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
