import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../core/errors.js';
import { ANALYZE_OPTIONS } from './analyze.js';
import { CHECK_OPTIONS } from './check.js';
import { GET_ISTIOCTL_OPTIONS } from './get-istioctl.js';
import { OPEN_UPGRADE_PR_OPTIONS } from './open-upgrade-pr.js';
import { readOptions, renameInput, type OptionTable } from './table.js';

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

  const read = (table: OptionTable, face: 'input' | 'flag', raw: Record<string, string | string[]>) =>
    readOptions(table, { face, raw: (name) => raw[name] ?? (face === 'input' ? '' : undefined) });

  it('takes analysis levels in any case, answering with istioctl spelling, and names a bad one', () => {
    expect(read(ANALYZE_OPTIONS, 'input', { 'failure-threshold': 'warning' })).toMatchObject({
      'failure-threshold': 'Warning',
      'output-threshold': 'Info',
      'all-namespaces': true,
      'changed-only': false,
    });
    expect(() => read(ANALYZE_OPTIONS, 'flag', { 'output-threshold': 'Critical' })).toThrow(
      expect.objectContaining({
        input: '--output-threshold',
        message: "'Critical' is not an analysis level",
      }),
    );
    // The action-only inputs are no flags: the CLI leaves them at their defaults.
    expect(read(ANALYZE_OPTIONS, 'flag', { 'sarif-file': 'x.sarif' })['sarif-file']).toBeUndefined();
  });

  it('gives get-istioctl its defaults on both faces, and keeps the CLI without version-file', () => {
    for (const face of ['input', 'flag'] as const) {
      expect(read(GET_ISTIOCTL_OPTIONS, face, {})).toMatchObject({
        version: 'latest',
        'download-base-url': 'https://github.com/istio/istio/releases/download',
        'include-prereleases': false,
        os: undefined,
      });
    }
    expect(read(GET_ISTIOCTL_OPTIONS, 'flag', { 'version-file': 'x' })['version-file']).toBeUndefined();
    expect(() => read(GET_ISTIOCTL_OPTIONS, 'flag', { 'include-prereleases': 'maybe' })).toThrow(
      expect.objectContaining({ input: '--include-prereleases' }),
    );
  });

  it('checks open-upgrade-pr auto-merge choices, naming the input', () => {
    expect(read(OPEN_UPGRADE_PR_OPTIONS, 'input', { labels: 'a, b\nc' })).toMatchObject({
      'auto-merge': 'none',
      'auto-merge-when': 'patch',
      'sign-commits': true,
      'close-superseded': true,
      labels: ['a', 'b', 'c'],
    });
    expect(() => read(OPEN_UPGRADE_PR_OPTIONS, 'input', { 'auto-merge': 'fast-forward' })).toThrow(
      expect.objectContaining({
        input: 'auto-merge',
        message: "'fast-forward' is not one of none, merge, squash, rebase",
      }),
    );
    expect(() => read(OPEN_UPGRADE_PR_OPTIONS, 'input', { 'auto-merge-when': 'Patch' })).toThrow(
      expect.objectContaining({ input: 'auto-merge-when' }),
    );
  });
});
