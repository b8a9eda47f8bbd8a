// Argo CD targetRevision is rewritten digits-only, keeping quotes and any `v`.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
