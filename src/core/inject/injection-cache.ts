// The injection cache: istioctl's exact answers, keyed by the hash of the injection config and of
// the document given to it, kept outside the workspace so a run with nothing to change spawns no
// istioctl (docs/adr/0008-injection-cache.md). It never invents output: a hit returns bytes
// istioctl wrote for that very input under that very config, and the judgement runs on them as usual.
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SkippedWorkload } from '../istioctl/runner.js';
import type { Logger } from '../logger.js';

/** Bumped when the layout of the files changes; old files are then ignored. */
const FORMAT = 1;
/** Entries not used by the last run are kept up to this many (other branches, PR checks). */
const SPARE_ENTRIES = 20_000;

/** What istioctl said for one input document. */
export interface CachedInjection {
  output: string;
  /** The skip lines it printed for the document's workloads, in order. */
  skipped: (SkippedWorkload | undefined)[];
}

interface StoredEntry {
  /** The output, or absent when it is byte for byte the input (the usual no-op). */
  output?: string;
  skipped?: (SkippedWorkload | null)[];
}

interface StoredFile {
  format: number;
  entries: Record<string, StoredEntry>;
}

export function sha256(...parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(typeof part === 'string' ? `${part.length}:${part}` : part);
  return hash.digest('hex');
}

/** `$ISTIO_AUTOPILOT_CACHE/inject`, else the runner's tool cache, else `~/.cache/istio-autopilot/inject`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['ISTIO_AUTOPILOT_CACHE']) return join(env['ISTIO_AUTOPILOT_CACHE'], 'inject');
  if (env['RUNNER_TOOL_CACHE']) return join(env['RUNNER_TOOL_CACHE'], 'istio-autopilot', 'inject');
  return join(homedir(), '.cache', 'istio-autopilot', 'inject');
}

/** The answers recorded for one injection config (one file per config hash). */
export class InjectionCache {
  private readonly stored: Record<string, StoredEntry>;
  private readonly used = new Map<string, StoredEntry>();
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    stored: Record<string, StoredEntry>,
    private readonly logger: Logger,
  ) {
    this.stored = stored;
  }

  /** A cache that remembers nothing (cacheDir false). */
  static disabled(logger: Logger): InjectionCache {
    return new InjectionCache(undefined, {}, logger);
  }

  /** Opens the cache of `configKey`; an unreadable or foreign file is a cold cache, never an error. */
  static open(dir: string, configKey: string, logger: Logger): InjectionCache {
    const file = join(dir, `${configKey}.json`);
    let stored: Record<string, StoredEntry> = {};
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredFile>;
      if (parsed.format === FORMAT && parsed.entries && typeof parsed.entries === 'object')
        stored = parsed.entries;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        logger.debug(`injection cache ${file} unreadable, starting cold: ${(error as Error).message}`);
    }
    return new InjectionCache(file, stored, logger);
  }

  /** istioctl's answer for this exact input, if recorded. */
  lookup(input: string): CachedInjection | undefined {
    if (!this.file) return undefined;
    const key = sha256(input);
    const entry = this.stored[key];
    if (!entry || (entry.output !== undefined && typeof entry.output !== 'string')) return undefined;
    this.used.set(key, entry);
    return {
      output: entry.output ?? input,
      skipped: (entry.skipped ?? []).map((s) => s ?? undefined),
    };
  }

  /** Remembers what istioctl answered for `input`. */
  record(input: string, answer: CachedInjection): void {
    if (!this.file) return;
    const entry: StoredEntry = {
      ...(answer.output !== input ? { output: answer.output } : {}),
      ...(answer.skipped.some(Boolean) ? { skipped: answer.skipped.map((s) => s ?? null) } : {}),
    };
    const key = sha256(input);
    this.used.set(key, entry);
    this.changed ||= JSON.stringify(this.stored[key]) !== JSON.stringify(entry);
  }

  /** Drops the answer for an input no file holds any more (in place, once its output is written). */
  forget(input: string): void {
    const key = sha256(input);
    // Both, always: `changed ||= a || b` would skip the delete once anything had changed.
    const held = this.used.delete(key);
    const stored = key in this.stored;
    delete this.stored[key];
    if (held || stored) this.changed = true;
  }

  /** Writes the entries this run used, then spare older ones; atomically, and a failure only warns. */
  save(): void {
    if (!this.file) return;
    const spare = Object.keys(this.stored).filter((k) => !this.used.has(k));
    if (!this.changed && spare.length <= SPARE_ENTRIES) return;
    const entries: Record<string, StoredEntry> = Object.fromEntries(this.used);
    for (const key of spare.slice(-SPARE_ENTRIES)) entries[key] = this.stored[key]!;
    const content: StoredFile = { format: FORMAT, entries };
    const error = writeAtomically(this.file, JSON.stringify(content));
    if (error) this.logger.warning(`could not save the injection cache ${this.file}: ${error.message}`);
  }
}

/**
 * A file's content hash, remembered by its inode, size and change times so a warm run does not re-read
 * a 100 MB istioctl. ctime cannot be set back by user tools, so a rewritten binary is hashed again.
 */
export function fileDigest(dir: string, path: string): string {
  const stat = statSync(path, { bigint: true });
  const identity = [stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(':');
  const index = join(dir, 'file-digests.json');
  let known: Record<string, string> = {};
  try {
    known = JSON.parse(readFileSync(index, 'utf8')) as Record<string, string>;
  } catch {
    known = {};
  }
  const hit = known[`${path}\0${identity}`];
  if (typeof hit === 'string') return hit;
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest('hex');
  // Only the current identity of each path is kept.
  const kept = Object.fromEntries(Object.entries(known).filter(([k]) => !k.startsWith(`${path}\0`)));
  kept[`${path}\0${identity}`] = digest;
  writeAtomically(index, JSON.stringify(kept));
  return digest;
}

/** A small JSON memo in the cache dir (istioctl's version, generated offline config), keyed by hash. */
export function memo<T>(dir: string | undefined, key: string): { get(): T | undefined; set(value: T): void } {
  const file = dir ? join(dir, 'memo', `${key}.json`) : undefined;
  return {
    get() {
      if (!file) return undefined;
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; value?: T };
        return stored.format === FORMAT ? stored.value : undefined;
      } catch {
        return undefined;
      }
    },
    set(value) {
      if (!file) return;
      writeAtomically(file, JSON.stringify({ format: FORMAT, value }));
    },
  };
}

/**
 * Writes a cache file by rename, so a reader (another matrix job on the same runner) sees the old or
 * the new file, never half of one. Returns the error instead of throwing: a cache that cannot be
 * written only costs the next run its hits.
 */
function writeAtomically(file: string, content: string): Error | undefined {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, file);
    return undefined;
  } catch (error) {
    rmSync(temporary, { force: true });
    return error as Error;
  }
}
