// Reads the Istio version a repository pins in a file for get-istioctl: a plain `.istio-version` (which
// may hold a range), or any file with a control plane pin, read by the pin engine.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { FileFormatError, InvalidInputError, NotFoundError } from '../errors.js';
import { readControlPlanePin } from './version-file.js';
import { toSemverRange } from '../versions/range.js';

export interface VersionFromFile {
  /** The version or range as written (image-variant suffixes such as -distroless removed). */
  version: string;
  file: string;
  line: number;
}

/** Reads `path` (as the user wrote it; errors name it with the line). */
export async function readVersionFile(path: string): Promise<VersionFromFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        input: 'version-file',
        hint: 'The path is relative to the workspace; check out the repository before this step.',
        cause: error,
      },
    );
  }
  const found = isPlainVersionFile(text) ? fromPlainText(text, path) : fromPinnedManifest(text, path);
  const version = found.version.replace(/-(distroless|debug)$/, '');
  try {
    toSemverRange(version, 'version-file');
  } catch {
    throw new FileFormatError(`'${found.version}' is not an Istio version or range`, {
      file: path,
      line: found.line,
      hint: 'Write a version such as 1.24.2 (or a range such as 1.24.x).',
    });
  }
  return { version, file: path, line: found.line };
}

/** A plain file: its first line that is not blank or a comment is a value, not a YAML key. */
function isPlainVersionFile(text: string): boolean {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  return first === undefined || !/^[^'"]*:(\s|$)/.test(first.replace(/\s+#.*$/, ''));
}

/**
 * Any manifest the pin engine reads (IstioOperator, Flux HelmRelease and its substitutions within the
 * file, Sail, Argo CD, Chart.yaml, values, workflow env). An IstioOperator whose tag the engine does
 * not take as a pin (a minor such as 1.10, an image variant, no spec.tag) is read as before.
 */
function fromPinnedManifest(text: string, file: string): { version: string; line: number } {
  try {
    return readControlPlanePin(file);
  } catch (error) {
    if (error instanceof NotFoundError && /^\s*kind\s*:\s*IstioOperator\s*$/m.test(text))
      return fromIstioOperator(text, file);
    throw error;
  }
}

/** The first line that is not blank or a `#` comment. */
function fromPlainText(text: string, file: string): { version: string; line: number } {
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const value = raw.replace(/\s+#.*$/, '').trim();
    if (value !== '' && !value.startsWith('#'))
      return { version: value.replace(/^['"]|['"]$/g, ''), line: index + 1 };
  }
  throw new FileFormatError('the file holds no version', {
    file,
    line: 1,
    hint: 'Write a version such as 1.24.2.',
  });
}

function fromIstioOperator(text: string, file: string): { version: string; line: number } {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter });
  if (!Array.isArray(docs)) throw new FileFormatError('the file is not YAML', { file, line: 1 });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  for (const doc of docs as Document.Parsed[]) {
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      throw new FileFormatError(`the YAML does not parse: ${first.message.split('\n')[0]}`, {
        file,
        line: lineOf(first.pos[0]),
      });
    }
    if (!isMap(doc.contents) || doc.get('kind') !== 'IstioOperator') continue;
    const tag = doc.getIn(['spec', 'tag'], true);
    if (isScalar(tag) && (typeof tag.value === 'string' || typeof tag.value === 'number')) {
      return { version: String(tag.source ?? tag.value), line: lineOf(tag.range?.[0]) };
    }
    const spec = doc.get('spec', true) as { range?: [number] } | undefined;
    throw new FileFormatError('the IstioOperator has no spec.tag', {
      file,
      line: lineOf(spec?.range?.[0] ?? doc.contents.range?.[0]),
      hint: 'Set spec.tag to the Istio version, or point version-file at a plain-text .istio-version file.',
    });
  }
  throw new FileFormatError('the file is neither a plain version nor an IstioOperator', {
    file,
    line: 1,
    hint: 'Use a .istio-version file holding e.g. 1.24.2, or an IstioOperator with spec.tag.',
  });
}
