// A Logger for tests that keeps what the core warned and noticed, so tests can assert on it.
import type { Logger } from '../../src/core/logger.js';

export function recordingLogger() {
  const warnings: string[] = [];
  const notices: { message: string; file?: string; line?: number }[] = [];
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    warning: (message) => warnings.push(message),
    notice: (message, where) => notices.push({ message, ...where }),
  };
  return { logger, warnings, notices };
}
