// The pin scan parses only documents that can hold a pin; these tests prove it finds exactly what a
// parse of every document finds, over every pin fixture and over layouts chosen to trip it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentsMentioning, extractPins } from './engine.js';
import type { SourceText } from './types.js';

const PINS = new URL('.', import.meta.url).pathname;
const GITOPS_SAMPLE = new URL('../../../test/fixtures/gitops-sample/', import.meta.url).pathname;

function filesUnder(dir: string, root = dir): SourceText[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, root);
    return [{ path: relative(root, path), text: readFileSync(path, 'utf8') }];
  });
}

function fixtureSets(): { name: string; files: SourceText[] }[] {
  const kinds = readdirSync(PINS).filter((name) => {
    try {
      return statSync(join(PINS, name, '__fixtures__')).isDirectory();
    } catch {
      return false;
    }
  });
  return [
    ...kinds.map((kind) => ({ name: kind, files: filesUnder(join(PINS, kind, '__fixtures__')) })),
    { name: 'gitops-sample', files: filesUnder(GITOPS_SAMPLE) },
  ];
}

/** Pins, or the error the scan stopped with. */
function scan(files: SourceText[], parseWholeFiles: boolean, ignoreFilePatterns: boolean): unknown {
  try {
    return extractPins({ files }, { parseWholeFiles, ignoreFilePatterns }).pins;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('pin scan fast path', () => {
  const sets = fixtureSets();

  it('covers every pin kind with fixtures', () => {
    expect(sets.length).toBeGreaterThanOrEqual(11);
    expect(sets.every((set) => set.files.length > 0)).toBe(true);
  });

  it.each(sets.map((set) => [set.name, set] as const))(
    'finds every %s fixture pin identically with the fast path and the full parse',
    (_name, set) => {
      for (const ignoreFilePatterns of [false, true]) {
        const full = scan(set.files, true, ignoreFilePatterns);
        expect(scan(set.files, false, ignoreFilePatterns)).toEqual(full);
      }
      // Every file by itself too, so one file's pins cannot hide another's miss.
      for (const file of set.files) expect(scan([file], false, true)).toEqual(scan([file], true, true));
    },
  );

  it('finds the same pins in unusual layouts: CRLF, BOM, inline separators, comments, block scalars, aliases', () => {
    const image = 'docker.io/istio/proxyv2:1.24.2';
    const layouts = [
      `\uFEFFapiVersion: v1\r\nkind: ConfigMap\r\ndata: {a: b}\r\n---\r\nkind: Pod\r\nspec:\r\n  containers: [{name: p, image: ${image}}]\r\n`,
      `--- # first\nkind: ConfigMap\ndata:\n  x: |\n    text\n    more\n--- {kind: Pod, spec: {containers: [{name: p, image: "${image}"}]}}\n`,
      `kind: ConfigMap\ndata:\n  note: "a long\n    flow scalar"\n---\n# only a comment\n---\nkind: Pod\nspec:\n  containers:\n  - &proxy {name: p, image: ${image}}\n  - *proxy\n`,
      `%YAML 1.2\n---\nkind: Pod\nspec: {containers: [{name: p, image: ${image}}]}\n...\n---\nkind: ConfigMap\n`,
      `kind: Pod\nmetadata:\n  labels: {istio.io/rev: canary}\nspec:\n  containers: [{name: p, image: ${image}}]\n---\n---\nkind: ConfigMap\ndata: {ünïcödé: "😀 text"}\n---\nkind: Pod\nspec: {containers: [{name: q, image: 'docker.io/istio/proxyv2:1.25.0'}]}\n`,
    ];
    for (const [i, text] of layouts.entries()) {
      const files = [{ path: `layout-${i}.yaml`, text }];
      const fast = scan(files, false, false);
      expect(fast, `layout ${i}`).toEqual(scan(files, true, false));
      expect((fast as unknown[]).length, `layout ${i}`).toBeGreaterThan(0);
    }
  });

  it('blanks only documents without a keyword, keeping length and line breaks', () => {
    const text = 'kind: ConfigMap\r\ndata: {a: ünï}\r\n--- # x\r\nimage: proxyv2:1.2.3\r\n';
    const masked = documentsMentioning(text, ['proxyv2:'])!;
    expect(masked).toHaveLength(text.length);
    expect(masked.split('\n').map((l) => l.length)).toEqual(text.split('\n').map((l) => l.length));
    expect(masked).toContain('--- # x\r\nimage: proxyv2:1.2.3\r\n');
    expect(masked.startsWith('               \r\n')).toBe(true);
    expect(documentsMentioning('%YAML 1.2\n---\na: 1\n', ['b'])).toBeUndefined();
    expect(documentsMentioning('a: proxyv2:1\n', ['proxyv2:'])).toBeUndefined();
  });
});
