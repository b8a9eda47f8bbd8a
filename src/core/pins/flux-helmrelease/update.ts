// Flux versions are rewritten where they live (HelmRelease, Kustomization substitute or ConfigMap), digits only.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
