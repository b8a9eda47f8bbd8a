// The CLI's command shape and its shared flags, parsed with node:util (no framework needed).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError } from '../core/errors.js';
import { registerSecret, type Logger } from '../core/logger.js';
import { optionName, readOptions, type OptionTable, type OptionValues } from '../options/table.js';

export const EXIT = {
  ok: 0,
  /** Something failed: a bad file, a network error, istioctl failing. */
  error: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** The command ran and its check failed (fail-on matched, analyze found errors). */
  checkFailed: 3,
} as const;

export interface CommandContext {
  args: string[];
  json: boolean;
  stdout: (text: string) => void;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** The option table the flags come from; errors naming an action input are renamed by it. */
  table?: OptionTable;
  run(
    values: Record<string, string | boolean | string[] | undefined>,
    context: CommandContext,
  ): Promise<number>;
}

/** parseArgs' flags for an option table: lists repeat, booleans take no value. */
export function flagsOf(table: OptionTable): NonNullable<ParseArgsConfig['options']> {
  const flags: NonNullable<ParseArgsConfig['options']> = {};
  for (const [key, spec] of Object.entries(table)) {
    const flag = optionName(key, spec, 'flag');
    if (flag === undefined) continue;
    flags[flag] =
      spec.type === 'boolean'
        ? { type: 'boolean' }
        : spec.type === 'list'
          ? { type: 'string', multiple: true }
          : { type: 'string' };
  }
  return flags;
}

/** The command's flags, checked as its option table says (a bad value names the flag). */
export function readFlags<T extends OptionTable>(
  table: T,
  values: Record<string, string | boolean | string[] | undefined>,
): OptionValues<T> {
  return readOptions(table, { face: 'flag', raw: (name) => values[name] });
}

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs(command: Command, args: string[]) {
  try {
    return parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: false,
      strict: true,
    }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (error) {
    throw new InvalidInputError((error as Error).message, { hint: `Usage: ${command.usage}` });
  }
}

/** GitHub settings from flags, then the environment; never printed. */
export function gitHubSettings(values: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const offline = values['offline'] === true;
  const token = offline
    ? undefined
    : ((values['github-token'] as string | undefined) ?? env.GITHUB_TOKEN ?? env.GH_TOKEN);
  registerSecret(token);
  return {
    offline,
    token,
    apiUrl:
      (values['github-api-url'] as string | undefined) ?? env.GITHUB_API_URL ?? 'https://api.github.com',
  };
}

export function text(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
