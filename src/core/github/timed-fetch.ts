// The fetch every GitHub call goes through: a deadline per try that covers the body too, Retry-After
// on 429/503 honoured up to a cap, and a JSON answer checked before Octokit sees it.
import { AutopilotError } from '../errors.js';

type Fetch = typeof fetch;

/** A failure the transport itself detected; explainGitHubError turns it into a NetworkError. */
export class GitHubTransportError extends AutopilotError {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'not-json' | 'retry-after-too-long',
  ) {
    super(message);
    // Octokit passes an AbortError through as it is, where it would wrap anything else in a retried
    // HTTP 500: a server that never answered gets the deadline once, not once per retry.
    this.name = 'AbortError';
  }
}

export interface TimedFetchOptions {
  timeoutMs: number;
  /** Longest Retry-After waited for, in seconds. */
  maxRetryAfterSeconds: number;
  /** How many times a 429/503 with Retry-After is retried here. */
  retries: number;
  log: (message: string) => void;
  /** Test hook: how to wait (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

export function timedFetch(base: Fetch, options: TimedFetchOptions): Fetch {
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? 'GET';
    for (let attempt = 0; ; attempt++) {
      const response = await fetchWithin(base, url, init, options.timeoutMs);
      const retryAfter = retryAfterSeconds(response);
      if ((response.status === 429 || response.status === 503) && retryAfter !== undefined) {
        if (retryAfter > options.maxRetryAfterSeconds) {
          throw new GitHubTransportError(
            `GitHub asked to wait ${retryAfter}s (Retry-After) on ${method} ${url}, longer than the ${options.maxRetryAfterSeconds}s this run waits`,
            'retry-after-too-long',
          );
        }
        if (attempt < options.retries) {
          options.log(
            `GitHub answered HTTP ${response.status} on ${method} ${url}; retrying in ${retryAfter}s as asked`,
          );
          await sleep(retryAfter * 1000);
          continue;
        }
      }
      return checkJson(response, init, method, url);
    }
  };
}

/** Headers and the whole body within `timeoutMs`; the body is buffered so the deadline covers it. */
async function fetchWithin(
  base: Fetch,
  url: string,
  init: RequestInit | undefined,
  timeoutMs: number,
): Promise<Response> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  try {
    const response = await base(url, { ...init, signal });
    const body = await response.arrayBuffer();
    const bodyless = response.status === 204 || response.status === 205 || response.status === 304;
    const buffered = new Response(bodyless ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // A constructed Response has no url; octokit's paginate parses it for lists wrapped with total_count.
    Object.defineProperty(buffered, 'url', { value: response.url || url });
    return buffered;
  } catch (error) {
    if (deadline.aborted) {
      throw new GitHubTransportError(
        `GitHub did not answer ${init?.method ?? 'GET'} ${url} within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)}s` : `${timeoutMs}ms`}`,
        'timeout',
      );
    }
    throw error;
  }
}

function retryAfterSeconds(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A successful answer to a request that wants JSON must be JSON: a proxy's HTML page is not a release list. */
async function checkJson(
  response: Response,
  init: RequestInit | undefined,
  method: string,
  url: string,
): Promise<Response> {
  if (response.status < 200 || response.status >= 300 || response.status === 204) return response;
  const accept = new Headers(init?.headers).get('accept') ?? '';
  if (accept !== '' && !/json/i.test(accept)) return response;
  const text = await response.clone().text();
  const type = response.headers.get('content-type') ?? '';
  let valid = /json/i.test(type);
  if (valid) {
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    const start = text.slice(0, 80).replace(/\s+/g, ' ').trim();
    throw new GitHubTransportError(
      `GitHub answered ${method} ${url} with ${type || 'no content type'} that is not valid JSON${start ? ` (starting "${start}")` : ''}`,
      'not-json',
    );
  }
  return response;
}
