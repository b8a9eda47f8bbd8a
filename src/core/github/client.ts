// One Octokit for every GitHub call: GHES-aware base URL, retries on 5xx, throttling that honours
// Retry-After and secondary limits, and errors a user can act on.
import { defaults, GitHub } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { AutopilotError, NetworkError } from '../errors.js';
import { GitHubTransportError, timedFetch } from './timed-fetch.js';

const PUBLIC_GITHUB_API = 'https://api.github.com';

export interface GitHubClientOptions {
  token?: string;
  apiUrl?: string;
  /** How many times a rate-limited or failed request is retried. */
  retries?: number;
  /** Longest Retry-After we wait for, in seconds; longer ones fail with a clear error. */
  maxRetryAfterSeconds?: number;
  /** Deadline per try, headers and body together (default 30 s): a server that never answers fails. */
  timeoutMs?: number;
  log?: (message: string) => void;
}

const DEFAULT_GITHUB_TIMEOUT_MS = 30_000;

const AutopilotOctokit = GitHub.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof AutopilotOctokit>;

export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const retries = options.retries ?? 3;
  const maxWait = options.maxRetryAfterSeconds ?? 120;
  const log = options.log ?? (() => undefined);
  const shouldRetry =
    (kind: string) =>
    (after: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      if (count >= retries || after > maxWait) return false;
      log(`GitHub ${kind} on ${request.method} ${request.url}; retrying in ${after}s`);
      return true;
    };
  const baseFetch = (defaults.request?.fetch as typeof fetch | undefined) ?? fetch;
  return new AutopilotOctokit({
    baseUrl: (options.apiUrl ?? PUBLIC_GITHUB_API).replace(/\/+$/, ''),
    ...(options.token ? { auth: options.token } : {}),
    userAgent: 'istio-autopilot',
    request: {
      ...defaults.request,
      fetch: timedFetch(baseFetch, {
        timeoutMs: options.timeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS,
        maxRetryAfterSeconds: maxWait,
        retries,
        log,
      }),
    },
    retry: { retries, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
    throttle: {
      // Primary limits without a token reset hourly: retrying wastes the run, say what to do instead.
      onRateLimit: shouldRetry('rate limit'),
      onSecondaryRateLimit: shouldRetry('secondary rate limit'),
    },
  });
}

const NETWORK_FAILURE =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|fetch failed/;

/** The messages and codes of an error and its causes (fetch hides the socket error two levels down). */
function causeChain(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    for (const text of [message, code]) {
      if (typeof text === 'string' && text && !found.some((f) => f.includes(text))) found.push(text);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

function transportErrorIn(error: unknown): GitHubTransportError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    if (current instanceof GitHubTransportError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Maps an Octokit failure to an error that says what to do; `what` names the request. */
export function explainGitHubError(error: unknown, what: string, hasToken: boolean): AutopilotError {
  const transport = transportErrorIn(error);
  if (transport) {
    return new NetworkError(`${transport.message} while ${what}`, {
      input: transport.reason === 'timeout' || transport.reason === 'not-json' ? 'github-api-url' : undefined,
      hint:
        transport.reason === 'timeout'
          ? 'The API accepted the connection but sent no answer in time; check github-api-url, a proxy or the GitHub status page, then re-run.'
          : transport.reason === 'not-json'
            ? 'Something that is not the GitHub API answered (a proxy or captive portal?); check github-api-url and the network.'
            : 'Wait for the limit to reset, or pass a token with a higher quota.',
      cause: error,
    });
  }
  if (error instanceof AutopilotError) return error;
  const e = (error ?? {}) as RequestErrorLike;
  const headers = e.response?.headers ?? {};
  const status = e.status;
  const remaining = headers['x-ratelimit-remaining'];
  if (
    (status === 403 || status === 429) &&
    (String(remaining) === '0' || /rate limit/i.test(e.message ?? ''))
  ) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when =
      Number.isFinite(reset) && reset > 0 ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : '';
    return new NetworkError(`GitHub API rate limit exceeded while ${what}.${when}`, {
      input: 'github-token',
      hint: hasToken
        ? 'The token has used up its quota; wait for the reset or use a token with a higher limit (a GitHub App).'
        : 'Anonymous requests get 60 an hour. Pass a token: `github-token: ${{ secrets.GITHUB_TOKEN }}`.',
      cause: error,
    });
  }
  if (status === 401) {
    return new NetworkError(`GitHub rejected the token while ${what} (401 Bad credentials)`, {
      input: 'github-token',
      hint: 'Check that the token is valid and not expired.',
      cause: error,
    });
  }
  // Octokit reports a connection that never happened as HTTP 500; say what really went wrong.
  const reasons = causeChain(error);
  if (reasons.some((r) => NETWORK_FAILURE.test(r))) {
    return new NetworkError(`could not reach GitHub while ${what} (${reasons.join(': ')})`, {
      input: 'github-api-url',
      hint: 'Check the network and github-api-url; behind a proxy or air-gapped, point it at a reachable mirror.',
      cause: error,
    });
  }
  const detail = status ? `HTTP ${status}: ${e.message ?? ''}`.trim() : (e.message ?? String(error));
  return new NetworkError(`GitHub request failed while ${what} (${detail})`, { cause: error });
}
