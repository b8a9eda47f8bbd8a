// A plain `.istio-version` file: the first line that is not blank or a `#` comment is the version.
import type { Pin, SourceText } from '../types.js';
import { pinAt } from '../yaml-documents.js';

const VERSION_LINE = /^[ \t]*(v?)(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)[ \t]*\r?$/;

export function extract(file: SourceText): Pin[] {
  let offset = file.text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (const line of file.text.slice(offset).split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      offset += line.length + 1;
      continue;
    }
    const match = VERSION_LINE.exec(line);
    if (!match) return [];
    const start = offset + line.indexOf(match[2]!);
    const pin = pinAt(file, start, match[2]!, {
      kind: 'istio-version-file',
      role: 'control-plane',
      location: 'version',
      value: `${match[1] ?? ''}${match[2]}`,
      quote: 'none',
      vPrefixed: match[1] === 'v',
    });
    return pin ? [pin] : [];
  }
  return [];
}
