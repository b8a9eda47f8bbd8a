import { describe, expect, it } from 'vitest';
import { replaceDocumentBodies, splitYamlDocuments, withOneFinalNewline } from './documents.js';

describe('splitYamlDocuments', () => {
  it('covers the text exactly, separators and comments outside the bodies', () => {
    const text = '# head\na: 1\n# tail\n---\n---   # note\nb: 2\n\n---\n# only a comment\n';
    const slices = splitYamlDocuments(text);
    expect(slices.map((s) => text.slice(s.start, s.end)).join('')).toBe(text);
    expect(slices.map((s) => s.body)).toEqual(['a: 1\n', '', 'b: 2\n', '']);
    expect(slices.map((s) => s.line)).toEqual([2, 4, 6, 8]);
  });

  it('keeps a block scalar whose last line looks like a comment inside the body', () => {
    const text = 'kind: Pod\nspec:\n  script: |\n    echo hi\n    # still the script\n# a real comment\n';
    expect(splitYamlDocuments(text)[0]!.body).toBe(
      'kind: Pod\nspec:\n  script: |\n    echo hi\n    # still the script\n',
    );
  });

  it('handles a BOM, CRLF and a file without a final newline', () => {
    const text = '\uFEFFa: 1\r\n---\r\nb: 2';
    const slices = splitYamlDocuments(text);
    expect(slices.map((s) => s.body)).toEqual(['a: 1\r\n', 'b: 2']);
    expect(slices[0]!.eol).toBe('\r\n');
    const replaced = replaceDocumentBodies(
      text,
      slices,
      new Map([
        [1, 'b: 3\n'],
        [0, 'a: 9\nz: 0\n'],
      ]),
    );
    expect(replaced).toBe('\uFEFFa: 9\r\nz: 0\r\n---\r\nb: 3');
  });

  it('does not treat ---- or ---x as a separator', () => {
    expect(splitYamlDocuments('a: |\n  x\n----\n')).toHaveLength(1);
  });

  it('replaces only the chosen bodies and keeps everything around them', () => {
    const text = '# c1\na: 1 # keep\n# c2\n---\nb: 2\n';
    const slices = splitYamlDocuments(text);
    expect(replaceDocumentBodies(text, slices, new Map([[0, 'a: 2\n']]))).toBe(
      '# c1\na: 2\n# c2\n---\nb: 2\n',
    );
  });
});

describe('withOneFinalNewline', () => {
  it('ends a body in exactly one LF whatever it ended in', () => {
    expect(['a', 'a\n', 'a\n\n\n', 'a\r\nb\r\n\r\n', '', '\n\n'].map(withOneFinalNewline)).toEqual([
      'a\n',
      'a\n',
      'a\n',
      'a\nb\n',
      '\n',
      '\n',
    ]);
  });
});
