import { describe, expect, it } from 'vitest';
import { substituteVariables } from './substitute.js';

const vars = new Map([
  ['version', '1.30.4'],
  ['empty', ''],
  ['name', 'istio-Proxy'],
  ['path', 'a/b/c.yaml'],
]);
const sub = (text: string) => substituteVariables(text, vars);

describe('Flux post-build substitution (fluxcd/pkg envsubst forms)', () => {
  it('substitutes ${var}, keeps $var and turns $${var} into a literal ${var}', () => {
    expect(sub('v: ${version} $version $${version}').text).toBe('v: 1.30.4 $version ${version}');
  });

  it('substitutes an undefined ${var} with an empty string and names it', () => {
    const result = sub('x: "${missing}"');
    expect(result.text).toBe('x: ""');
    expect(result.undefinedVariables).toEqual(['missing']);
  });

  it('applies defaults: := and :- when unset or empty, = and - only when unset', () => {
    expect(sub('${missing:=d} ${empty:=d} ${empty:-d} ${empty=d} ${empty-d} ${missing-d}').text).toBe(
      'd d d   d',
    );
    expect(sub('${missing:=${version}}').text).toBe('1.30.4');
    expect(sub('${missing:=d}').undefinedVariables).toEqual([]);
  });

  it('supports length, case, offsets, strips and replacements', () => {
    expect(sub('${#version}').text).toBe('6');
    expect(sub('${name^} ${name^^} ${name,} ${name,,}').text).toBe(
      'Istio-Proxy ISTIO-PROXY istio-Proxy istio-proxy',
    );
    expect(sub('${version:2} ${version:0:4}').text).toBe('30.4 1.30');
    expect(sub('${path#*/} ${path##*/} ${path%/*} ${path%%/*}').text).toBe('b/c.yaml c.yaml a/b a');
    expect(sub('${version/./-} ${version//./-} ${version/#1/2} ${version/%4/5}').text).toBe(
      '1-30.4 1-30-4 2.30.4 1.30.5',
    );
  });

  it('rejects the forms Flux does not support and leaves them as written', () => {
    const result = sub('${version:+x} ${version:?x} ${version+x}');
    expect(result.text).toBe('${version:+x} ${version:?x} ${version+x}');
    expect(result.errors).toHaveLength(3);
  });

  it('records which variables a text uses', () => {
    expect(sub('${version} ${missing:=a} ${version}').used).toEqual(['version', 'missing']);
  });
});
