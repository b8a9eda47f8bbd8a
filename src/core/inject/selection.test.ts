import { describe, expect, it } from 'vitest';
import { selectionFor } from './selection.js';

describe('selectionFor', () => {
  it('takes the selection asked for, else paths with configured paths, else the webhook rules', () => {
    expect(selectionFor('webhook', ['apps/**/*.yaml'])).toBe('webhook');
    expect(selectionFor('paths', undefined)).toBe('paths');
    expect(selectionFor('auto', ['apps/**/*.yaml'])).toBe('paths');
    expect(selectionFor('auto', [])).toBe('webhook');
    expect(selectionFor(undefined, undefined)).toBe('webhook');
  });
});
