// Parsing what `istioctl analyze` prints: the JSON findings on stdout, file problems and warnings on stderr.
import { IstioctlError } from '../../errors.js';
import { ANALYZE_LEVELS, type AnalyzeFinding } from './findings.js';

interface RawFinding {
  code?: unknown;
  level?: unknown;
  origin?: unknown;
  reference?: unknown;
  message?: unknown;
  documentationUrl?: unknown;
}

/** Parses `-o json` output: an array of `{code, level, origin, reference, message, documentationUrl}`. */
export function parseAnalyzeJson(stdout: string): AnalyzeFinding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(withoutLogLines(stdout));
  } catch {
    throw new IstioctlError(
      `istioctl analyze printed no JSON findings: ${stdout.trim().split('\n')[0] ?? ''}`,
      {
        hint: 'This istioctl may not support these flags; check the version input against the binary.',
      },
    );
  }
  if (!Array.isArray(parsed))
    throw new IstioctlError('istioctl analyze printed JSON that is not a list of findings');
  return (parsed as RawFinding[]).map((raw) => {
    const level = ANALYZE_LEVELS.find((l) => l === raw.level) ?? 'Error';
    const reference = typeof raw.reference === 'string' && raw.reference !== '' ? raw.reference : undefined;
    const { file, line } = splitReference(reference);
    return {
      code: String(raw.code ?? ''),
      level,
      origin: String(raw.origin ?? ''),
      message: String(raw.message ?? ''),
      ...(typeof raw.documentationUrl === 'string' && raw.documentationUrl
        ? { documentationUrl: raw.documentationUrl }
        : {}),
      ...(reference ? { reference } : {}),
      ...(file ? { file } : {}),
      ...(line ? { line } : {}),
      source: 'istioctl' as const,
    };
  });
}

// istioctl logs file problems to stdout too, ahead of the JSON: `<time>\twarn\tfile\t<message>`.
const ISTIO_LOG_LINE = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z?\t(?:debug|info|warn|error|fatal)\t/;

function withoutLogLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !ISTIO_LOG_LINE.test(line))
    .join('\n');
}

/** `dir/a.yaml:19` -> file and line; JSON inputs have no line. */
export function splitReference(reference: string | undefined): { file?: string; line?: number } {
  if (!reference) return {};
  const m = /^(.*):(\d+)$/.exec(reference);
  return m ? { file: m[1]!, line: Number(m[2]) } : { file: reference };
}

export function unknownCodeWarnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /unknown message code/.test(l))
    .map((l) => l.replace(/^Warning:\s*/, 'istioctl: '));
}

export interface FileError {
  file: string;
  index: number;
  reason: string;
  unknown: boolean;
  /** `yaml: line N` inside the document, when istioctl says. */
  chunkLine?: number;
}

/** Reads istioctl's `* error processing <file>[<n>]: <reason>` lines from stderr. */
export function parseFileErrors(stderr: string): FileError[] {
  const seen = new Set<string>();
  const errors: FileError[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^\s*\* error (?:processing|reading documents in) (.+)\[(\d+)\]: (.*)$/.exec(line);
    if (!m) continue;
    const [, file, index, reason] = m as unknown as [string, string, string, string];
    const key = `${file}[${index}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    const yamlLine = /yaml: line (\d+)/.exec(reason);
    errors.push({
      file,
      index: Number(index),
      reason: reason.trim(),
      unknown: /no group, version and kind|couldn't get version\/kind/.test(reason),
      ...(yamlLine ? { chunkLine: Number(yamlLine[1]) } : {}),
    });
  }
  return errors;
}
