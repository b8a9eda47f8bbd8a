// One table of options per command, read by both the action entry and the CLI: name, type, choices,
// default and description, so a value is checked the same way whichever face it came through.
import { AutopilotError, InvalidInputError } from '../core/errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean' | 'list';
  /** The allowed values (of each item, for a list), declared next to the code that owns them. */
  choices?: readonly string[];
  /** Accept a choice in any case, answering with the table's spelling. */
  ignoreCase?: boolean;
  /** What one choice is called in errors ('x' is not a <noun>); default "one of <choices>". */
  noun?: string;
  /** A boolean left unset reads as undefined: something else (the repo config) decides. */
  optional?: true;
  /** What an unset option means, as action.yml writes it (a list's is left to action.yml to fill in). */
  default?: string;
  description: string;
  /** The action input's name (default the key); false when only the CLI has it. */
  input?: string | false;
  /** The CLI flag's name (default the key); false when only the action has it. */
  flag?: string | false;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S extends { optional: true }
    ? boolean | undefined
    : boolean
  : S['type'] extends 'list'
    ? S extends { choices: readonly (infer C)[] }
      ? C[]
      : string[]
    : S extends { choices: readonly (infer C)[] }
      ? S extends { default: string }
        ? C
        : C | undefined
      : S extends { default: string }
        ? string
        : string | undefined;

export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** Where raw values come from, and how the caller names an option (input 'x' or --x). */
export interface OptionSource {
  face: 'input' | 'flag';
  /** The raw text (string, or strings for a repeated flag); undefined or '' when unset. */
  raw(name: string, spec: OptionSpec): string | string[] | boolean | undefined;
}

/** The name the caller knows an option by on this face, or undefined when this face lacks it. */
export function optionName(key: string, spec: OptionSpec, face: OptionSource['face']): string | undefined {
  const name = face === 'input' ? spec.input : spec.flag;
  return name === false ? undefined : (name ?? key);
}

/** How errors name an option: `--flag` for the CLI, the input's name for an action. */
function shownName(name: string, face: OptionSource['face']): string {
  return face === 'flag' ? `--${name}` : name;
}

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

/** Reads and checks every option of `table` this face has; a bad value fails naming the option. */
export function readOptions<T extends OptionTable>(table: T, source: OptionSource): OptionValues<T> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const name = optionName(key, spec, source.face);
    const raw = name === undefined ? undefined : source.raw(name, spec);
    values[key] = readValue(spec, raw, shownName(name ?? key, source.face));
  }
  return values as OptionValues<T>;
}

function readValue(spec: OptionSpec, raw: string | string[] | boolean | undefined, shown: string): unknown {
  if (spec.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    const given = (typeof raw === 'string' ? raw : '').trim().toLowerCase();
    if (given === '' && spec.optional) return undefined;
    const text = given || spec.default || 'false';
    if (TRUE.includes(text)) return true;
    if (FALSE.includes(text)) return false;
    throw new InvalidInputError(`'${text}' is not a boolean`, { input: shown, hint: 'Use true or false.' });
  }
  if (spec.type === 'list') {
    // Newline- or comma-separated (a flag may also repeat); blanks and `#` comments dropped.
    const items = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [])
      .flatMap((v) => v.split(/[\n,]/))
      .map((s) => s.replace(/\s+#.*$/, '').trim())
      .filter((s) => s !== '' && !s.startsWith('#'));
    return items.map((item) => checkChoice(spec, item, shown));
  }
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const value = text === undefined || text === '' ? spec.default || undefined : text;
  return value === undefined ? undefined : checkChoice(spec, value, shown);
}

/** The value as the table spells it; a value outside the choices fails naming the option. */
function checkChoice(spec: OptionSpec, value: string, shown: string): string {
  if (!spec.choices) return value;
  const found = spec.ignoreCase
    ? spec.choices.find((choice) => choice.toLowerCase() === value.toLowerCase())
    : spec.choices.find((choice) => choice === value);
  if (found === undefined) {
    const article = /^[aeiou]/i.test(spec.noun ?? '') ? 'an' : 'a';
    const what = spec.noun ? `${article} ${spec.noun}` : `one of ${spec.choices.join(', ')}`;
    throw new InvalidInputError(`'${value}' is not ${what}`, {
      input: shown,
      hint: `Use ${spec.type === 'list' ? 'a comma list of ' : ''}${spec.choices.join(', ')}.`,
    });
  }
  return found;
}

/**
 * An error from the core names options by their action input; on the CLI say the flag instead, and
 * drop a name this face does not have (the hint still says what to change).
 */
export function renameInput(error: unknown, table: OptionTable, face: OptionSource['face']): unknown {
  if (!(error instanceof AutopilotError) || error.input === undefined || face === 'input') return error;
  if (error.input.startsWith('--')) return error;
  const entry = Object.entries(table).find(([key, spec]) => optionName(key, spec, 'input') === error.input);
  const flag = entry ? optionName(entry[0], entry[1], 'flag') : undefined;
  return error.withInput(flag === undefined ? undefined : shownName(flag, 'flag'));
}
