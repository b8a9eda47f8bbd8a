// A local GitHub: an HTTP server on 127.0.0.1 that serves the REST routes our actions call, with
// pagination, ETags, rate-limit headers, injectable faults and OpenAPI-checked bodies.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkRequest, checkResponse, type Operation } from './openapi.js';

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: Buffer;
  token?: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; validated against the route's OpenAPI operation. */
  body?: unknown;
  /** A non-JSON body (downloads). */
  raw?: Buffer | string;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface Route {
  method: string;
  /** Path template with {param} segments; {param+} matches the rest of the path. */
  template: string;
  /** The OpenAPI operation the route implements; omit for non-API routes (downloads). */
  operation?: Operation | false;
  handler: Handler;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'primary-rate-limit' }
  | { kind: 'secondary-rate-limit'; retryAfter?: number }
  | { kind: 'too-many-requests'; retryAfter: number }
  | { kind: 'drop' }
  | { kind: 'truncate' };

interface PendingFault {
  method?: string;
  pathPattern: RegExp;
  fault: Fault;
  remaining: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  authorized: boolean;
  fault?: Fault['kind'];
}

const RATE_LIMIT = { anonymous: 60, token: 5000 };

export class GitHubEmulator {
  readonly requests: LoggedRequest[] = [];
  /** Request or response bodies that broke GitHub's OpenAPI description. Tests assert it stays empty. */
  readonly schemaViolations: string[] = [];
  private readonly routes: { route: Route; pattern: RegExp; names: string[] }[] = [];
  private readonly faults: PendingFault[] = [];
  private readonly rateUsed = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;
  /** Tokens the emulator accepts; any other token gets 401. Empty means any token is accepted. */
  readonly validTokens = new Set<string>();
  rateLimitRemainingOverride: number | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  route(route: Route): this {
    const names: string[] = [];
    const source = route.template
      .replace(/[.*?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)(\+?)\}/g, (_m, name, rest) => {
        names.push(name as string);
        return rest ? '(.+)' : '([^/]+)';
      });
    this.routes.push({ route, pattern: new RegExp(`^${source}$`), names });
    return this;
  }

  /** The next `times` requests matching `path` (a substring or RegExp) meet `fault`. */
  injectFault(path: string | RegExp, fault: Fault, options: { method?: string; times?: number } = {}): this {
    const pathPattern =
      typeof path === 'string' ? new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : path;
    this.faults.push({ method: options.method, pathPattern, fault, remaining: options.times ?? 1 });
    return this;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ message: `emulator error: ${String(error)}` }));
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const log: LoggedRequest = {
      method,
      path: url.pathname + url.search,
      status: 0,
      authorized: token !== undefined,
    };
    this.requests.push(log);

    const fault = this.takeFault(method, url.pathname);
    if (fault) {
      log.fault = fault.kind;
      return this.sendFault(fault, res, log, token);
    }

    const matched = this.match(method, url.pathname);
    if (!matched) {
      log.status = 404;
      return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
    }
    const { route, params } = matched;
    const isApi = route.operation !== undefined;

    if (isApi && token !== undefined && this.validTokens.size > 0 && !this.validTokens.has(token)) {
      log.status = 401;
      return send(res, 401, this.rateHeaders(token), JSON.stringify({ message: 'Bad credentials' }));
    }
    if (isApi && this.remaining(token) <= 0) {
      log.status = 403;
      return this.sendFault({ kind: 'primary-rate-limit' }, res, log, token);
    }

    let body: unknown;
    if (rawBody.length > 0 && /json/.test(req.headers['content-type'] ?? 'json')) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        log.status = 400;
        return send(res, 400, {}, JSON.stringify({ message: 'Problems parsing JSON' }));
      }
    }
    if (route.operation) {
      for (const problem of checkRequest(route.operation, body)) {
        this.schemaViolations.push(`request ${method} ${route.operation.path}: ${problem}`);
      }
    }

    const response = await route.handler({
      method,
      path: url.pathname,
      query: url.searchParams,
      params,
      headers: req.headers,
      body,
      rawBody,
      token,
    });
    log.status = response.status;
    const headers: Record<string, string> = {
      ...(isApi ? this.rateHeaders(token, true) : {}),
      ...response.headers,
    };

    if (response.raw !== undefined) {
      return send(res, response.status, headers, response.raw);
    }
    if (route.operation) {
      for (const problem of checkResponse(route.operation, response.status, response.body)) {
        this.schemaViolations.push(
          `response ${method} ${route.operation.path} ${response.status}: ${problem}`,
        );
      }
    }
    if (response.body === undefined) return send(res, response.status, headers, '');
    const json = JSON.stringify(response.body);
    // Conditional requests: GitHub answers 304 (which does not count against the limit). Its ETags
    // are weak and vary with the credentials (`Vary: Authorization`): another token's ETag never
    // matches. If-None-Match may list several, and compares weakly.
    if (method === 'GET' && response.status === 200 && isApi) {
      const etag = `W/"${createHash('sha1')
        .update(`${token ?? ''}\n${json}`)
        .digest('hex')}"`;
      headers['etag'] = etag;
      headers['vary'] = 'Accept, Authorization, Cookie, X-GitHub-OTP';
      if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
        log.status = 304;
        this.rateUsed.set(token ?? '', (this.rateUsed.get(token ?? '') ?? 1) - 1);
        return send(res, 304, { ...headers, ...this.rateHeaders(token) }, '');
      }
    }
    return send(
      res,
      response.status,
      { 'content-type': 'application/json; charset=utf-8', ...headers },
      json,
    );
  }

  private match(method: string, path: string) {
    for (const { route, pattern, names } of this.routes) {
      if (route.method !== method) continue;
      const m = pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { route, params };
    }
    return undefined;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) => (!f.method || f.method === method) && f.pathPattern.test(path),
    );
    if (index === -1) return undefined;
    const pending = this.faults[index]!;
    if (--pending.remaining <= 0) this.faults.splice(index, 1);
    return pending.fault;
  }

  private limit(token: string | undefined): number {
    return token === undefined ? RATE_LIMIT.anonymous : RATE_LIMIT.token;
  }

  private remaining(token: string | undefined): number {
    if (this.rateLimitRemainingOverride !== undefined) return this.rateLimitRemainingOverride;
    return this.limit(token) - (this.rateUsed.get(token ?? '') ?? 0);
  }

  private rateHeaders(token: string | undefined, consume = false): Record<string, string> {
    if (consume) this.rateUsed.set(token ?? '', (this.rateUsed.get(token ?? '') ?? 0) + 1);
    const used = this.rateUsed.get(token ?? '') ?? 0;
    return {
      'x-ratelimit-limit': String(this.limit(token)),
      'x-ratelimit-remaining': String(Math.max(0, this.remaining(token))),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
  }

  private sendFault(fault: Fault, res: ServerResponse, log: LoggedRequest, token: string | undefined): void {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    switch (fault.kind) {
      case 'status':
        log.status = fault.status;
        return send(
          res,
          fault.status,
          { ...json, ...fault.headers },
          JSON.stringify(fault.body ?? { message: `injected ${fault.status}` }),
        );
      case 'primary-rate-limit':
        log.status = 403;
        return send(
          res,
          403,
          { ...json, ...this.rateHeaders(token), 'x-ratelimit-remaining': '0' },
          JSON.stringify({
            message: `API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)`,
            documentation_url:
              'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
          }),
        );
      case 'secondary-rate-limit':
        log.status = 403;
        return send(
          res,
          403,
          { ...json, 'retry-after': String(fault.retryAfter ?? 1) },
          JSON.stringify({
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url:
              'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          }),
        );
      case 'too-many-requests':
        log.status = 429;
        return send(
          res,
          429,
          { ...json, 'retry-after': String(fault.retryAfter) },
          JSON.stringify({ message: 'Too Many Requests' }),
        );
      case 'drop':
        log.status = -1;
        res.socket?.destroy();
        return;
      case 'truncate': {
        log.status = 200;
        // Promise a long body, send a little, then cut the connection.
        res.writeHead(200, { 'content-length': '1048576', 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(1024, 7));
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  res.writeHead(status, headers);
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Pagination as GitHub does it: per_page (default 30, at most 100), page, and a Link header. */
export function paginate<T>(
  req: EmulatorRequest,
  items: readonly T[],
  baseUrl: string,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const pageNumber = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const link = (n: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set('per_page', String(perPage));
    q.set('page', String(n));
    return `<${baseUrl}${req.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNumber < last) links.push(link(pageNumber + 1, 'next'), link(last, 'last'));
  if (pageNumber > 1) links.push(link(1, 'first'), link(pageNumber - 1, 'prev'));
  return { page, headers: links.length ? { link: links.join(', ') } : {} };
}

/** RFC 9110 If-None-Match: `*`, or a comma-separated list of entity tags compared weakly. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() !== '' && opaque(tag) === opaque(etag));
}
