import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../core/errors.js';
import { CHECK_OPTIONS } from './check.js';
import { readOptions, renameInput } from './table.js';

const fromInputs = (inputs: Record<string, string>) =>
  readOptions(CHECK_OPTIONS, { face: 'input', raw: (name) => inputs[name] ?? '' });
const fromFlags = (flags: Record<string, string | string[] | boolean>) =>
  readOptions(CHECK_OPTIONS, { face: 'flag', raw: (name) => flags[name] });

describe('option tables', () => {
  it('applies defaults and types on both faces', () => {
    const inputs = fromInputs({ 'fail-on': 'eol, vulnerable\n# none else' });
    expect(inputs).toMatchObject({
      strategy: 'in-place',
      'version-policy': 'latest',
      'include-prereleases': false,
      'fail-on': ['eol', 'vulnerable'],
      repo: undefined,
    });
    const flags = fromFlags({ policy: 'minor', 'include-prereleases': true, 'fail-on': ['eol', 'outdated'] });
    expect(flags).toMatchObject({
      'version-policy': 'minor',
      'include-prereleases': true,
      'fail-on': ['eol', 'outdated'],
      'version-file': undefined,
    });
  });

  it('refuses a value outside the choices, naming the input or the flag as the caller knows it', () => {
    expect(() => fromInputs({ strategy: 'foo' })).toThrow(
      expect.objectContaining({ input: 'strategy', message: "'foo' is not one of in-place, canary" }),
    );
    expect(() => fromFlags({ strategy: 'foo' })).toThrow(expect.objectContaining({ input: '--strategy' }));
    expect(() => fromInputs({ 'fail-on': 'eol,stale' })).toThrow(
      expect.objectContaining({ input: 'fail-on', message: "'stale' is not a fail-on condition" }),
    );
    expect(() => fromInputs({ 'include-prereleases': 'maybe' })).toThrow(InvalidInputError);
  });

  it("renames a core error's input to the CLI flag, and drops one the CLI does not have", () => {
    const policy = renameInput(
      new InvalidInputError('bad', { input: 'version-policy' }),
      CHECK_OPTIONS,
      'flag',
    );
    expect((policy as InvalidInputError).describe()).toBe("input '--policy': bad");
    const paths = renameInput(
      new NotFoundError('none', { input: 'control-plane-paths' }),
      CHECK_OPTIONS,
      'flag',
    );
    expect(paths).toBeInstanceOf(NotFoundError);
    expect((paths as NotFoundError).describe()).toBe('none');
    const action = new InvalidInputError('bad', { input: 'version-policy' });
    expect(renameInput(action, CHECK_OPTIONS, 'input')).toBe(action);
  });
});
