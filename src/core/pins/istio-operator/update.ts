// IstioOperator tags are written as found: `1.24.2`, `"1.24.2"`, `1.24.2-distroless` keep their shape.
import { formatVersion } from '../kind.js';
import type { Pin } from '../types.js';

export function update(pin: Pin, target: string): string {
  return formatVersion(pin, target);
}
