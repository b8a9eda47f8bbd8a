// An on-disk cache of GET responses keyed by URL (ETag + body), so repeated runs ask GitHub
// conditionally and get 304s, which do not count against the rate limit.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedResponse {
  etag: string;
  body: unknown;
  /** The Link header, so pagination works from a 304 alone. */
  link?: string;
  /** When GitHub last confirmed this body (a 200 or a 304), in ms since the epoch. */
  validatedAt?: number;
}

export class HttpCache {
  /** `directory` is owned by the caller (e.g. under the runner's tool cache); created on first write. */
  constructor(readonly directory: string) {}

  private fileFor(url: string): string {
    return join(this.directory, `${createHash('sha256').update(url).digest('hex')}.json`);
  }

  /** The stored response for `url`, or undefined when absent or unreadable (a cache never fails a run). */
  async get(url: string): Promise<CachedResponse | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.fileFor(url), 'utf8')) as Partial<CachedResponse> & {
        url?: string;
      };
      if (entry.url !== url || typeof entry.etag !== 'string' || entry.body === undefined) return undefined;
      return {
        etag: entry.etag,
        body: entry.body,
        ...(entry.link ? { link: entry.link } : {}),
        ...(typeof entry.validatedAt === 'number' ? { validatedAt: entry.validatedAt } : {}),
      };
    } catch {
      return undefined;
    }
  }

  /** Stores atomically (temp file + rename), so a concurrent reader never sees half an entry. */
  async put(url: string, response: CachedResponse): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const target = this.fileFor(url);
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, JSON.stringify({ url, ...response }));
      await rename(temp, target);
    } catch {
      await rm(temp, { force: true });
    }
  }
}
