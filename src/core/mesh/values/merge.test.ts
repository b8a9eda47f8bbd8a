import { describe, expect, it } from 'vitest';
import { mergeLayers, mergeValues, parseSetValue, setLayer, setValuePath } from './merge.js';

describe('values merge', () => {
  it('deep-merges maps, replaces lists and scalars, and lets the later layer win', () => {
    const merged = mergeLayers([
      { values: { a: { b: 1, c: [1, 2] }, d: 'x' } },
      { values: { a: { c: [3] }, d: { e: true } } },
      { values: { a: { b: 2 } } },
    ]);
    expect(merged).toEqual({ a: { b: 2, c: [3] }, d: { e: true } });
  });

  it('shares nothing with its layers', () => {
    const base = { a: { list: [{ x: 1 }] } };
    const merged = mergeValues(base, {});
    (merged.a as { list: { x: number }[] }).list[0]!.x = 2;
    expect(base.a.list[0]!.x).toBe(1);
  });

  it('types --set values as Helm does, and keeps them strings when forced', () => {
    expect(parseSetValue('true')).toBe(true);
    expect(parseSetValue('42')).toBe(42);
    expect(parseSetValue('042')).toBe('042');
    expect(parseSetValue('1.5')).toBe('1.5');
    expect(parseSetValue('null')).toBeNull();
    expect(parseSetValue('{a,b}')).toEqual(['a', 'b']);
    expect(parseSetValue('a\\,b')).toBe('a,b');
    expect(parseSetValue('true', true)).toBe('true');
  });

  it('sets escaped keys and list items, padding lists with nulls', () => {
    const values = {};
    setValuePath(values, 'nodeSelector.kubernetes\\.io/os', 'linux');
    setValuePath(values, 'list[2].name', 'c');
    expect(values).toEqual({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      list: [null, null, { name: 'c' }],
    });
  });

  it('refuses a list index Helm would refuse, instead of allocating it', () => {
    expect(() => setValuePath({}, 'a[999999999]', 'x')).toThrow(/beyond 65536/);
  });

  it('makes a --set layer that changes one list item without dropping the others', () => {
    const below = { global: { proxy: { excludeIPRanges: ['a', 'b'] } } };
    expect(setLayer(below, 'global.proxy.excludeIPRanges[1]', 'z')).toEqual({
      global: { proxy: { excludeIPRanges: ['a', 'z'] } },
    });
    expect(setLayer(below, 'global.hub', 'h')).toEqual({ global: { hub: 'h' } });
  });
});
