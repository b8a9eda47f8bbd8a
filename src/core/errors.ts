// Typed errors whose message a user can act on; entries turn them into setFailed or an exit code.

export interface ErrorContext {
  /** The action input or CLI flag the problem came from. */
  input?: string;
  file?: string;
  line?: number;
  /** What the user should do about it. */
  hint?: string;
  cause?: unknown;
}

export class AutopilotError extends Error {
  readonly input?: string;
  readonly file?: string;
  readonly line?: number;
  readonly hint?: string;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.input = context.input;
    this.file = context.file;
    this.line = context.line;
    this.hint = context.hint;
  }

  /** The same error named by another input (a CLI flag for an action input), or by none. */
  withInput(input: string | undefined): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this, { input });
    copy.message = this.message;
    copy.stack = this.stack;
    if (this.cause !== undefined) copy.cause = this.cause;
    return copy;
  }

  /** One line first (where, what), then what to do. */
  describe(): string {
    const where = [
      this.input ? `input '${this.input}'` : '',
      this.file ? `${this.file}${this.line ? `:${this.line}` : ''}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [where ? `${where}: ${this.message}` : this.message, this.hint].filter(Boolean).join('\n');
  }
}

/** The user asked for something malformed or impossible. */
export class InvalidInputError extends AutopilotError {}
/** Nothing (release, asset, pin) matches what was asked. */
export class NotFoundError extends AutopilotError {}
/** A download or API call failed after retries. */
export class NetworkError extends AutopilotError {}
/** A download's SHA-256 differs from the published or pinned one. */
export class ChecksumMismatchError extends AutopilotError {}
/** A file in the user's repo could not be parsed or safely edited. */
export class FileFormatError extends AutopilotError {}
/** istioctl exited in a way we do not treat as a result. */
export class IstioctlError extends AutopilotError {}

export function describeError(error: unknown): string {
  if (error instanceof AutopilotError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
