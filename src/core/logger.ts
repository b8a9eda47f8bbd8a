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
