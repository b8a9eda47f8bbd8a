import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseVersionPolicy, policyAllows } from './policy.js';

const context = { current: '1.29.3', supportedMinors: ['1.30', '1.31'] };

describe('parseVersionPolicy', () => {
  it.each([
    ['', 'latest'],
    ['latest', 'latest'],
    ['*', 'latest'],
    ['Patch', 'patch'],
    ['minor', 'minor'],
    ['supported', 'supported'],
    ['1.30', 'range'],
    ['>=1.29 <1.31', 'range'],
    ['~1.30.0 || 1.31.x', 'range'],
  ])('reads %j as %s', (text, kind) => {
    expect(parseVersionPolicy(text).kind).toBe(kind);
  });

  it('reads a keyword followed by a range that must hold too', () => {
    const policy = parseVersionPolicy('supported <1.31');
    expect(policy).toEqual({ kind: 'supported', within: '<1.31.0-0' });
    expect(policyAllows(policy, '1.30.5', context)).toBe(true);
    expect(policyAllows(policy, '1.31.1', context)).toBe(false);
    expect(() => parseVersionPolicy('patch whenever')).toThrow(InvalidInputError);
  });

  it('rejects a malformed range, naming the input', () => {
    expect(() => parseVersionPolicy('newest please')).toThrow(InvalidInputError);
    try {
      parseVersionPolicy('>>1.2', 'version-policy');
    } catch (error) {
      expect((error as InvalidInputError).input).toBe('version-policy');
    }
  });
});

describe('policyAllows', () => {
  it('keeps patch on the current minor and minor on the current major', () => {
    expect(policyAllows({ kind: 'patch' }, '1.29.8', context)).toBe(true);
    expect(policyAllows({ kind: 'patch' }, '1.30.0', context)).toBe(false);
    expect(policyAllows({ kind: 'minor' }, '1.31.1', context)).toBe(true);
    expect(policyAllows({ kind: 'minor' }, '2.0.0', context)).toBe(false);
  });

  it('allows only supported minors with supported, and needs the data', () => {
    expect(policyAllows({ kind: 'supported' }, '1.30.5', context)).toBe(true);
    expect(policyAllows({ kind: 'supported' }, '1.29.8', context)).toBe(false);
    expect(() => policyAllows({ kind: 'supported' }, '1.30.5', { current: '1.29.3' })).toThrow(
      /supportedMinors/,
    );
  });

  it('treats a minor range as the whole line, prereleases of it included', () => {
    const policy = parseVersionPolicy('1.31');
    expect(policyAllows(policy, '1.31.1', context)).toBe(true);
    expect(policyAllows(policy, '1.31.0-rc.0', context)).toBe(true);
    expect(policyAllows(policy, '1.32.0', context)).toBe(false);
  });
});
