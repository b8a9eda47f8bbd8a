// `.istio-version` is rewritten digits-only; a trailing newline or comment lines stay.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
