// The tool cache as a source we verify, not trust: what was installed is recorded beside the binary,
// a hit is checked against it (and the pinned checksum), and @actions/tool-cache's chatter is kept
// off stdout, where the CLI prints only its answer.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import type { Logger } from '../../logger.js';

export const TOOL_NAME = 'istioctl';
const RECORD = '.istio-autopilot-install.json';

interface InstallRecord {
  archive: string;
  archiveSha256: string;
  binarySha256: string;
}

/** Written into the extracted folder before it is cached, so every later hit can be checked. */
export async function recordInstall(
  extracted: string,
  binaryName: string,
  archive: { name: string; sha256: string },
): Promise<void> {
  const record: InstallRecord = {
    archive: archive.name,
    archiveSha256: archive.sha256,
    binarySha256: await sha256Of(join(extracted, binaryName)),
  };
  writeFileSync(join(extracted, RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The cached binary of `version`, if there is one that is still what was installed and, with a pin,
 * came from the pinned archive. A bad entry (empty, changed, unrecorded while a pin asks) is removed
 * with a warning, so the caller downloads and verifies afresh.
 */
export async function verifiedCacheHit(
  version: string,
  cacheKey: string,
  binaryName: string,
  pinned: string | undefined,
  logger: Logger,
): Promise<string | undefined> {
  const dir = quietly(logger, () => toolCache.find(TOOL_NAME, version, cacheKey));
  if (!dir) return undefined;
  const binary = join(dir, binaryName);
  const size = statSync(binary, { throwIfNoEntry: false })?.size;
  const problem =
    size === undefined
      ? 'holds no binary'
      : size === 0
        ? 'holds an empty (0-byte) binary'
        : await recordProblem(dir, binary, pinned);
  if (!problem) return binary;
  logger.warning(`the cached istioctl ${version} at ${dir} ${problem}; installing it again`);
  await forget(dir);
  return undefined;
}

async function recordProblem(
  dir: string,
  binary: string,
  pinned: string | undefined,
): Promise<string | undefined> {
  let record: InstallRecord | undefined;
  try {
    record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as InstallRecord;
  } catch {
    record = undefined;
  }
  // Installed by something else (or an older version of this suite): fine unless a pin must be proven.
  if (!record)
    return pinned
      ? 'has no record of the archive it came from, so the pinned checksum cannot be checked'
      : undefined;
  if (pinned && record.archiveSha256 !== pinned)
    return `came from an archive with SHA-256 ${record.archiveSha256}, not the pinned ${pinned}`;
  if ((await sha256Of(binary)) !== record.binarySha256) return 'was changed after it was installed';
  return undefined;
}

async function forget(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}.complete`, { force: true });
}

/** Versions in the cache for this platform, for resolving a range offline. */
export function cachedVersions(cacheKey: string, logger: Logger): string[] {
  return quietly(logger, () => toolCache.findAllVersions(TOOL_NAME, cacheKey));
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Runs a tool-cache call with its `::debug::` and `[command]` lines (written straight to stdout) turned
 * into debug messages. In an action that is the same `::debug::` line; in the CLI it keeps
 * `$(istio-autopilot get-istioctl)` and `--json` clean.
 */
export function quietly<T>(logger: Logger, run: () => T): T {
  const write = process.stdout.write;
  const captured: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  const restore = () => {
    process.stdout.write = write;
    for (const line of captured.join('').split(/\r?\n/)) {
      if (line.trim() !== '') logger.debug(line.replace(/^::debug::/, ''));
    }
  };
  let result: T;
  try {
    result = run();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
