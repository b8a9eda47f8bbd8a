// Downloads with retries: 5xx, 408/429 (honouring Retry-After), dropped connections and bodies cut
// short of their Content-Length are retried with backoff; a 404 is an answer, not a failure.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { NetworkError, NotFoundError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { redactUrl, silentLogger } from '../../logger.js';

export interface DownloadOptions {
  /** Tries in all, the first included (default 4). */
  attempts?: number;
  /** First backoff; doubles per retry (default 1000 ms). */
  retryDelayMs?: number;
  /** Longest Retry-After honoured; longer waits fail at once (default 60 s). */
  maxRetryAfterSeconds?: number;
  /** Per try, headers and body together (default 10 minutes). */
  timeoutMs?: number;
  /** Per try, until the response headers arrive (default 30 s): a server that never answers fails fast. */
  responseTimeoutMs?: number;
  /** Longest pause between two chunks of the body (default 60 s): a stalled body fails fast. */
  idleTimeoutMs?: number;
  logger?: Logger;
}

export interface DownloadedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** Thrown for an HTTP 404 (or 410): the file is not there, so retrying is pointless. */
export class DownloadNotFoundError extends NotFoundError {}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Streams `url` into `destination`, hashing as it goes. */
export async function downloadFile(
  url: string,
  destination: string,
  options: DownloadOptions = {},
): Promise<DownloadedFile> {
  return withRetries(url, options, async (response) => {
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      if (!response.body) throw new Error('no body');
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(destination),
      );
    } catch (error) {
      await rm(destination, { force: true });
      throw new RetryableError(`the connection broke after ${bytes} bytes (${causeOf(error)})`);
    }
    try {
      checkLength(response, bytes);
    } catch (error) {
      await rm(destination, { force: true });
      throw error;
    }
    return { path: destination, bytes, sha256: hash.digest('hex') };
  });
}

/** A small text file (a `.sha256`), with the same retries. */
export async function downloadText(url: string, options: DownloadOptions = {}): Promise<string> {
  return withRetries(url, options, async (response) => {
    let body: Buffer;
    try {
      body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new RetryableError(`the connection broke while reading the body (${causeOf(error)})`);
    }
    checkLength(response, body.length);
    return body.toString('utf8');
  });
}

function checkLength(response: Response, bytes: number): void {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  // Compressed responses declare the encoded length; only compare identity bodies.
  if (Number.isFinite(declared) && !response.headers.get('content-encoding') && declared !== bytes) {
    throw new RetryableError(`the body was cut short: ${bytes} of ${declared} bytes`);
  }
}

async function withRetries<T>(
  url: string,
  options: DownloadOptions,
  consume: (response: Response) => Promise<T>,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const logger = options.logger ?? silentLogger;
  let delay = options.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(url, options, consume);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      const maxWait = options.maxRetryAfterSeconds ?? 60;
      if (attempt >= attempts || (error.retryAfterSeconds ?? 0) > maxWait) {
        throw new NetworkError(
          `download of ${redactUrl(url)} failed after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: ${error.message}`,
          {
            hint: 'Check the network or the download-base-url mirror, then re-run.',
            cause: error,
          },
        );
      }
      const wait = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : delay;
      logger.info(
        `Download of ${redactUrl(url)} failed (${error.message}); retrying in ${Math.round(wait / 100) / 10}s`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay *= 2;
    }
  }
}

async function attemptOnce<T>(
  url: string,
  options: DownloadOptions,
  consume: (response: Response) => Promise<T>,
): Promise<T> {
  const responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const stall = new AbortController();
  const signal = AbortSignal.any([stall.signal, AbortSignal.timeout(options.timeoutMs ?? 600_000)]);
  let watchdog = setTimeout(
    () => stall.abort(new Error(`no response within ${seconds(responseTimeoutMs)}`)),
    responseTimeoutMs,
  );
  let response: Response;
  try {
    response = await fetch(withoutCredentials(url), {
      redirect: 'follow',
      signal,
      headers: basicAuthOf(url),
    });
  } catch (error) {
    clearTimeout(watchdog);
    throw new RetryableError(
      `no response (${stall.signal.aborted ? causeOf(stall.signal.reason) : causeOf(error)})`,
    );
  }
  clearTimeout(watchdog);
  // Every chunk re-arms the idle deadline; a body that stops flowing aborts the request.
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(
      () => stall.abort(new Error(`the body stalled for ${seconds(idleTimeoutMs)}`)),
      idleTimeoutMs,
    );
  };
  if (response.body) {
    arm();
    response = new Response(
      response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            arm();
            controller.enqueue(chunk);
          },
          flush: () => clearTimeout(watchdog),
        }),
      ),
      { status: response.status, statusText: response.statusText, headers: response.headers },
    );
  }
  try {
    return await handle(url, response, consume);
  } catch (error) {
    if (stall.signal.aborted && error instanceof RetryableError)
      throw new RetryableError(`${error.message.replace(/\)$/, '')}; ${causeOf(stall.signal.reason)})`);
    throw error;
  } finally {
    clearTimeout(watchdog);
  }
}

/** fetch refuses URLs with `user:password@`: send them as Basic auth instead (mirrors behind a login). */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

function basicAuthOf(url: string): Record<string, string> {
  const { username, password } = new URL(url);
  if (!username && !password) return {};
  const pair = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`;
}

async function handle<T>(
  url: string,
  response: Response,
  consume: (response: Response) => Promise<T>,
): Promise<T> {
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    throw new DownloadNotFoundError(`${redactUrl(url)} was not found (HTTP ${response.status})`);
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    await response.body?.cancel();
    const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
    throw new RetryableError(`HTTP ${response.status}`, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new NetworkError(`download of ${redactUrl(url)} failed: HTTP ${response.status}`, {
      hint: 'Check the download-base-url and that the mirror allows anonymous downloads.',
    });
  }
  return consume(response);
}

function causeOf(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string; code?: string } };
  return [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
}
