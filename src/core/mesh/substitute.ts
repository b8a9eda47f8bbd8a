// Flux post-build variable substitution as kustomize.toolkit.fluxcd.io/v1 documents it: the `${var}`
// expressions of fluxcd/pkg/envsubst (a drone/envsubst fork), `$${var}` as a literal, `$var` untouched.

/** Variables in the order Flux applies them: later entries win, then `substitute` over all. */
export type SubstitutionVariables = ReadonlyMap<string, string>;

export interface SubstitutionResult {
  text: string;
  /** Variables the text used, set or not, in order of first use. */
  used: string[];
  /** `${var}` with no value and no default: Flux substitutes an empty string (strict mode fails). */
  undefinedVariables: string[];
  /** Expressions Flux rejects (`${var:+x}`, `${var:?x}`, `${var+x}`, a bad name, no closing brace). */
  errors: string[];
}

/** Flux checks names with `^[_[:alpha:]][_[:alpha:][:digit:]]*$`. */
const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export function substituteVariables(text: string, vars: SubstitutionVariables): SubstitutionResult {
  const result: SubstitutionResult = { text: '', used: [], undefinedVariables: [], errors: [] };
  result.text = expand(text, vars, result);
  return result;
}

function expand(text: string, vars: SubstitutionVariables, result: SubstitutionResult): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) break;
    out += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (!text.startsWith('${', dollar)) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = matchingBrace(text, dollar + 2);
    if (close < 0) {
      result.errors.push(`${text.slice(dollar, dollar + 40)}: no closing brace`);
      out += text.slice(dollar);
      return out;
    }
    const inner = text.slice(dollar + 2, close);
    const value = evaluate(inner, vars, result);
    out += value ?? text.slice(dollar, close + 1);
    i = close + 1;
  }
  return out + text.slice(i);
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The value of one `${...}` body, or undefined (left as written) when Flux would reject it. */
function evaluate(
  inner: string,
  vars: SubstitutionVariables,
  result: SubstitutionResult,
): string | undefined {
  if (inner.startsWith('#')) {
    const name = inner.slice(1);
    if (!VARIABLE_NAME.test(name)) return reject(inner, result);
    return String(lookup(name, vars, result, false).length);
  }
  const name = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(inner)?.[0];
  if (!name) return reject(inner, result);
  const rest = inner.slice(name.length);
  const set = vars.has(name);
  const defaulted = (emptyCounts: boolean, fallback: string) => {
    const value = vars.get(name);
    use(name, result);
    if (value === undefined || (emptyCounts && value === '')) return expand(fallback, vars, result);
    return value;
  };
  if (rest === '') return lookup(name, vars, result, true);
  if (rest.startsWith(':-') || rest.startsWith(':=')) return defaulted(true, rest.slice(2));
  if (rest.startsWith('-') || rest.startsWith('=')) return defaulted(false, rest.slice(1));
  if (rest.startsWith(':+') || rest.startsWith(':?') || rest.startsWith('+') || rest.startsWith('?'))
    return reject(inner, result);
  const value = lookup(name, vars, result, !set);
  if (rest === '^^') return value.toUpperCase();
  if (rest === '^') return value.charAt(0).toUpperCase() + value.slice(1);
  if (rest === ',,') return value.toLowerCase();
  if (rest === ',') return value.charAt(0).toLowerCase() + value.slice(1);
  const offset = /^:\s*(-?\d+)(?::(\d+))?$/.exec(rest);
  if (offset) {
    const start = Number(offset[1]);
    const from = start < 0 ? Math.max(0, value.length + start) : start;
    return offset[2] === undefined ? value.slice(from) : value.slice(from, from + Number(offset[2]));
  }
  const strip = /^(##?|%%?)(.*)$/s.exec(rest);
  if (strip) return stripPattern(value, strip[1]!, expand(strip[2]!, vars, result));
  const replace = /^\/([/#%]?)((?:[^/\\]|\\.)*)\/?(.*)$/s.exec(rest);
  if (replace) {
    const pattern = expand(replace[2]!, vars, result);
    const replacement = expand(replace[3]!, vars, result);
    return replacePattern(value, replace[1]!, pattern, replacement);
  }
  return reject(inner, result);
}

function lookup(
  name: string,
  vars: SubstitutionVariables,
  result: SubstitutionResult,
  reportUnset: boolean,
): string {
  use(name, result);
  const value = vars.get(name);
  if (value === undefined && reportUnset && !result.undefinedVariables.includes(name))
    result.undefinedVariables.push(name);
  return value ?? '';
}

function use(name: string, result: SubstitutionResult): void {
  if (!result.used.includes(name)) result.used.push(name);
}

function reject(inner: string, result: SubstitutionResult): undefined {
  result.errors.push(`\${${inner}} is not a substitution Flux supports`);
  return undefined;
}

/** A shell glob (`*`, `?`, `[...]`) as a regular expression body; `*` lazy or greedy. */
function globSource(pattern: string, greedy: boolean): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += greedy ? '.*' : '.*?';
    else if (c === '?') source += '.';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += escapeRegExp(c);
  }
  return source;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function stripPattern(value: string, op: string, pattern: string): string {
  const longest = op.length === 2;
  const whole = (candidate: string) => new RegExp(`^${globSource(pattern, true)}$`, 's').test(candidate);
  const lengths = [...Array(value.length + 1).keys()];
  if (longest) lengths.reverse();
  for (const n of lengths) {
    if (op.startsWith('#') && whole(value.slice(0, n))) return value.slice(n);
    if (op.startsWith('%') && whole(value.slice(value.length - n))) return value.slice(0, value.length - n);
  }
  return value;
}

function replacePattern(value: string, mode: string, pattern: string, replacement: string): string {
  if (pattern === '') return value;
  const body = globSource(pattern, true);
  if (mode === '#') return value.replace(new RegExp(`^${body}`, 's'), () => replacement);
  if (mode === '%') return value.replace(new RegExp(`${body}$`, 's'), () => replacement);
  return value.replace(new RegExp(body, mode === '/' ? 'gs' : 's'), () => replacement);
}
