// kustomize newTag is rewritten digits-only; variants (`-distroless`) stay. Digests are refused by the planner.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
