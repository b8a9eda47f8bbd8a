import { readdirSync, readFileSync } from 'node:fs';
import { LineCounter, parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseDocumentTrees, parseDocuments } from './documents.js';
import { fastDocuments, fastManifest, ReadValues } from './yaml-values.js';

const root = new URL('../../../', import.meta.url).pathname;
const fixtures = readdirSync(root + 'test/fixtures', { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => `test/fixtures/${f}`);

describe('the fast reader', () => {
  it('reads every fixture file as the yaml library does, or declines it', () => {
    let fast = 0;
    for (const file of fixtures) {
      const text = readFileSync(root + file, 'utf8');
      const read = fastDocuments(text);
      if (!read) continue;
      fast++;
      const slow = parseDocumentTrees(file, text);
      if (slow.errors.length > 0) continue;
      expect(read, file).toEqual(slow.documents.map(({ index, line, value }) => ({ index, line, value })));
    }
    // Most files take the fast path; the comparison above is only worth something then.
    expect(fast).toBeGreaterThan(fixtures.length / 2);
  });

  it('declines what it could read otherwise: anchors, tags, 1.1 words and numbers', () => {
    expect(fastDocuments('a: &x 1\nb: *x\n')).toBeUndefined();
    expect(fastDocuments('a: !!str 1\n')).toBeUndefined();
    // Anchors and tags where a node can start: a line's start, after a blank, in flow collections.
    for (const text of [
      '&x a: 1\n',
      '!t\na: 1\n',
      '- &x 1\n',
      'a: [1, &x 2]\n',
      'a: {b: !t 1}\n',
      'a: [&x 1]\n',
    ])
      expect(fastDocuments(text)).toBeUndefined();
    // Not where they are part of a scalar.
    expect(fastDocuments('a: b&c\nd: e!f\n')).toEqual([{ index: 0, line: 1, value: { a: 'b&c', d: 'e!f' } }]);
    expect(fastDocuments('a: 0b101\n')).toBeUndefined();
    expect(fastDocuments('--- {a: 1}\n')).toBeUndefined();
    for (const value of [
      'yes',
      'off',
      '0644',
      '1:30',
      '2024-01-01',
      '1_000',
      '0o17',
      '0x1F',
      '2001-12-14t21:59:43.10-05:00',
      '1.5e3',
    ])
      expect(fastManifest(`k: ${value}\n`), value).toBeUndefined();
    // A hostile `__proto__` key stays an own key of its mapping: it never becomes the prototype.
    const [hostile] = fastDocuments(
      'a:\n  __proto__: {polluted: yes-really-a-long-string}\n  b: a-long-string-value\n',
    )!;
    const a = (hostile!.value as { a: Record<string, unknown> }).a;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(a['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toEqual({
      polluted: 'yes-really-a-long-string',
    });
    expect(a['b']).toBe('a-long-string-value');
    // The same words inside flow collections (`{enabled: yes}` is a boolean to Kubernetes).
    for (const text of ['a: {enabled: yes}\n', 'a: [on, off]\n', 'a: {b: 1, c: No}\n', 'a: [x,y]\n'])
      expect(fastManifest(text), text).toBeUndefined();
    const body =
      'metadata:\n  labels: {app: web, version: "1.2"}\nspec:\n  containers:\n  - name: istio-proxy\n    image: proxyv2:1.31.0\n    ports: [{containerPort: 15090}]\n    resources: {limits: {cpu: 100m, memory: 40Mi}}\n';
    expect(fastManifest(body)?.value).toEqual(parse(body, { version: '1.1' }));
  });

  it('counts lines after a `---` of a CRLF file as the yaml library does', () => {
    const text = 'a: 1\r\n---\r\nkind: X\r\n--- # next\r\n\r\nkind: Y\r\n';
    const counter = new LineCounter();
    const lines = parseAllDocuments(text, { lineCounter: counter }).map(
      (d) => counter.linePos(d.contents!.range![0]).line,
    );
    expect(lines).toEqual([1, 3, 6]);
    expect(fastDocuments(text)!.map((d) => d.line)).toEqual(lines);
  });

  it('keeps document positions and lines, and parses the syntax tree only when asked', () => {
    const text = '# head\n---\na: 1\n---\n# only a comment\n---\n\n  b: 2\n';
    const docs = parseDocuments('f.yaml', text).documents;
    expect(docs.map((d) => [d.index, d.line, d.value])).toEqual([
      [0, 3, { a: 1 }],
      [2, 8, { b: 2 }],
    ]);
    expect(docs[1]!.lineCounter.linePos(docs[1]!.document.contents!.range![0]).line).toBe(8);
  });
});

describe('values already read', () => {
  const body =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  script: |\n    # kept\n';

  it('stand for the same text, or that text after comment and blank lines, once', () => {
    const values = new ReadValues();
    const read = fastManifest(body)!.value;
    values.keep(body, read);
    expect(values.take('# settings for the app\n\n  # more\n' + body)).toBe(read);
    expect(values.take(body)).toBeUndefined();
    values.keep(body, read);
    expect(values.take(body)).toBe(read);
  });

  it('give a model the values it would have read itself, and nothing for other texts', () => {
    const file = `# leading comment\n${body}---\n# second\n${body.replace('settings', 'other')}`;
    const values = new ReadValues();
    const kept = fastManifest(body)!.value;
    values.keep(body, kept);
    // A longer text that merely starts like a kept one is not it.
    values.keep('apiVersion: v1\n', { apiVersion: 'v1' });
    const reused = fastDocuments(file, values)!;
    expect(reused.map((d) => d.value)).toEqual(fastDocuments(file)!.map((d) => d.value));
    expect(reused[0]!.value).toBe(kept);
    expect(reused[1]!.value).not.toBe(kept);
    expect(values.take('apiVersion: v1\n')).toEqual({ apiVersion: 'v1' });
  });

  it('never take a text whose lead is content, not comments', () => {
    const values = new ReadValues();
    values.keep('b: 2\n', { b: 2 });
    expect(values.take('a: 1\nb: 2\n')).toBeUndefined();
    expect(values.take('key: |\n  # text\nb: 2\n')).toBeUndefined();
  });
});
