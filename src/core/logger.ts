// How the core reports progress without depending on @actions/core: entries pass their own sink.

export interface Logger {
  info(message: string): void;
  warning(message: string, where?: { file?: string; line?: number }): void;
  notice(message: string, where?: { file?: string; line?: number }): void;
  debug(message: string): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warning: () => undefined,
  notice: () => undefined,
  debug: () => undefined,
};

// ---- masking: nothing a run prints may carry a secret, not even one a server echoed back ----------

const secrets = new Set<string>();

/** Tokens GitHub issues, by their documented prefixes; masked even when nobody registered them. */
const GITHUB_TOKEN_SHAPE = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;

/** Remembers a secret (a token, a password) so every later masked string hides it. */
export function registerSecret(value: string | undefined): void {
  const secret = value?.trim();
  // Very short values would mask ordinary words; GitHub never issues such tokens.
  if (secret && secret.length >= 6) secrets.add(secret);
}

/** `text` with every registered secret, GitHub-shaped token and URL credential replaced by `***`. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const secret of secrets) masked = masked.split(secret).join('***');
  return redactUrlsIn(masked.replace(GITHUB_TOKEN_SHAPE, '***'));
}

/** A URL fit for a log: no `user:password@`, and no values of query parameters that carry credentials. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
    changed = true;
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (CREDENTIAL_PARAM.test(key)) {
      parsed.searchParams.set(key, '***');
      changed = true;
    }
  }
  return changed ? parsed.href.replace(/%2A%2A%2A/g, '***') : url;
}

const CREDENTIAL_PARAM = /token|sig|signature|secret|password|passwd|credential|key|auth/i;

function redactUrlsIn(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s'"<>`]+/g, (url) => redactUrl(url));
}

/** A logger whose every message is masked before it reaches `inner`. */
export function maskingLogger(inner: Logger): Logger {
  return {
    info: (m) => inner.info(maskSecrets(m)),
    warning: (m, where) => inner.warning(maskSecrets(m), where),
    notice: (m, where) => inner.notice(maskSecrets(m), where),
    debug: (m) => inner.debug(maskSecrets(m)),
  };
}
