// Workflow env lines that opt in with a marker: `ISTIO_VERSION: 1.24.2 # istio-autopilot[: data-plane]`.
import type { Pin, PinRole, SourceText } from '../types.js';
import { pinAt } from '../yaml-documents.js';

const MARKED_LINE =
  /^([ \t]*(?:-[ \t]+)?[A-Za-z0-9_]*ISTIO[A-Za-z0-9_]*VERSION[ \t]*[:=][ \t]*)(['"]?)(v?)(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)\2[ \t]+#[ \t]*istio-autopilot\b(?:[ \t]*:?[ \t]*(control-plane|data-plane))?/gm;

export function extract(file: SourceText): Pin[] {
  const pins: Pin[] = [];
  for (const match of file.text.matchAll(MARKED_LINE)) {
    const lead = match[1] ?? '';
    const quote = match[2] ?? '';
    const start = (match.index ?? 0) + lead.length + quote.length + (match[3] ?? '').length;
    const role = (match[5] as PinRole | undefined) ?? 'control-plane';
    const pin = pinAt(file, start, match[4]!, {
      kind: 'workflow-env',
      role,
      location: lead.trim().replace(/^-\s*/, '').replace(/[:=]$/, '').trim(),
      value: `${match[3] ?? ''}${match[4]}`,
      quote: quote === '"' ? 'double' : quote === "'" ? 'single' : 'none',
      vPrefixed: match[3] === 'v',
    });
    if (pin) pins.push(pin);
  }
  return pins;
}
