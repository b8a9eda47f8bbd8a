// istio-autopilot: the command-line face of the same core the actions use.
import { describeError, InvalidInputError } from '../core/errors.js';
import { maskingLogger, maskSecrets, type Logger } from '../core/logger.js';
import { renameInput } from '../options/table.js';
import { EXIT, parseCommandArgs, type Command } from './command.js';
import { commands } from './commands/index.js';

const stderrLogger: Logger = maskingLogger({
  info: (m) => process.stderr.write(`${m}\n`),
  warning: (m, w) =>
    process.stderr.write(`warning: ${w?.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${m}\n`),
  notice: (m, w) =>
    process.stderr.write(`notice: ${w?.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${m}\n`),
  debug: (m) => (process.env.ISTIO_AUTOPILOT_DEBUG ? process.stderr.write(`debug: ${m}\n`) : undefined),
});

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: istio-autopilot <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `istio-autopilot <command> --help` for a command's options. Every command takes --json.",
    'Exit codes: 0 ok, 1 error, 2 usage error, 3 the check failed (fail-on, analyze threshold).',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const flags = Object.entries(command.options).map(
    ([name, o]) => `  --${name}${o.type === 'string' ? ' <value>' : ''}`,
  );
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    'Options:',
    ...flags,
    '  --json',
    '  -h, --help',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`istio-autopilot: unknown command '${name}'\n\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    const values = parseCommandArgs(command, args);
    if (values['help']) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    return await command.run(values, {
      args,
      json: values['json'] === true,
      stdout: (t) => process.stdout.write(maskSecrets(t.endsWith('\n') ? t : `${t}\n`)),
      log: stderrLogger,
      env: process.env,
    });
  } catch (thrown) {
    const error = command.table ? renameInput(thrown, command.table, 'flag') : thrown;
    process.stderr.write(maskSecrets(`istio-autopilot ${name}: ${describeError(error)}\n`));
    return error instanceof InvalidInputError && error.file === undefined ? EXIT.usage : EXIT.error;
  }
}

process.exitCode = await main(process.argv.slice(2));
