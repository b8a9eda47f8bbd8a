// The `waves` setting as plain data: the order clusters are upgraded in, and the gates between them.
import { InvalidInputError } from '../../errors.js';

export interface WaveConfig {
  name: string;
  /** Globs over workspace paths: the wave's clusters (their Flux Kustomizations) and pins. */
  paths: string[];
  /** How long the previous wave's merge must have been in place, in milliseconds (0: none). */
  soakMs: number;
  /** The soak as written, for messages: `2d`, `36h`. */
  soak?: string;
  /** Commit status contexts or check run names that must be green on the previous wave's merge commit. */
  requireChecks: string[];
  /** The config file and line that declare the wave, for errors. */
  file?: string;
  line?: number;
}

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `36h`, `2d`, `1d12h`, `90m`, `1w`, or `0`; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!/^(\d+[wdhm])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([wdhm])/g))
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

/** A wave that the repository gives nothing to move: named with the config line that declares it. */
export function waveMatchesNothing(wave: WaveConfig): InvalidInputError {
  return new InvalidInputError(
    `wave '${wave.name}' matches no cluster and no pin (paths: ${wave.paths.join(', ')})`,
    {
      ...(wave.file ? { file: wave.file } : {}),
      ...(wave.line ? { line: wave.line } : {}),
      hint: 'Point the paths at the files of its clusters (their Flux Kustomizations or version files), e.g. clusters/dev/**.',
    },
  );
}
