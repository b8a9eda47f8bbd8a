// The pin scan parses only documents that can hold a pin; these tests prove it finds exactly what a
// parse of every document finds, over every pin fixture and over layouts chosen to trip it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPins } from './engine.js';
import { documentRanges, parseDocumentsMentioning } from './scan-documents.js';
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

function fixtureDirectories(): { name: string; dir: string }[] {
  return [
    ...readdirSync(PINS)
      .filter((name) => {
        try {
          return statSync(join(PINS, name, '__fixtures__')).isDirectory();
        } catch {
          return false;
        }
      })
      .map((name) => ({ name, dir: join(PINS, name, '__fixtures__') })),
    { name: 'gitops-sample', dir: GITOPS_SAMPLE },
  ];
}

/** Pins of a workspace root, or the error the scan stopped with. */
function scanRoot(root: string, parseWholeFiles: boolean): unknown {
  try {
    return extractPins({ root }, { parseWholeFiles }).pins;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
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

  it('parses only the documents that mention a keyword, at their place in the file', () => {
    const text = 'kind: ConfigMap\r\ndata: {a: ünï}\r\n--- # x\r\nimage: proxyv2:1.2.3\r\n---\r\nb: 2\r\n';
    expect(documentRanges(text).map((r) => text.slice(r.start, r.end))).toEqual([
      'kind: ConfigMap\r\ndata: {a: ünï}\r\n',
      '--- # x\r\nimage: proxyv2:1.2.3\r\n',
      '---\r\nb: 2\r\n',
    ]);
    const parsed = parseDocumentsMentioning({ path: 'a.yaml', text }, ['proxyv2:'])!;
    expect(parsed.documents).toHaveLength(1);
    expect(parsed.documents[0]!.toJS()).toEqual({ image: 'proxyv2:1.2.3' });
    expect(parsed.lineCounter.linePos(text.indexOf('1.2.3'))).toEqual({ line: 4, col: 16 });
    expect(
      parseDocumentsMentioning({ path: 'a.yaml', text: '%YAML 1.2\n---\na: 1\n' }, ['b']),
    ).toBeUndefined();
    expect(
      parseDocumentsMentioning({ path: 'a.yaml', text: 'a: proxyv2:1\n' }, ['proxyv2:']),
    ).toBeUndefined();
  });

  it('keeps every document holding any of the keywords, however many hits each has', () => {
    const docs = [
      'a: HelmRelease\nb: proxyv2:1.2.3\nc: HelmRelease\n',
      '---\nplain: text\n',
      '---\nkind: Istio\n',
      '---\nimage: x/pilot:1.2.3\n',
    ];
    const text = docs.join('');
    const keywords = ['proxyv2:', 'pilot:', 'HelmRelease'];
    const parsed = parseDocumentsMentioning({ path: 'a.yaml', text }, keywords)!;
    expect(parsed.documents.map((d) => d.toJS())).toEqual([
      { a: 'HelmRelease', b: 'proxyv2:1.2.3', c: 'HelmRelease' },
      { image: 'x/pilot:1.2.3' },
    ]);
    expect(parsed.lineCounter.linePos(text.indexOf('x/pilot')).line).toBe(9);
    expect(parseDocumentsMentioning({ path: 'a.yaml', text }, ['sailoperator.io'])!.documents).toEqual([]);
  });

  it('names file and line of broken YAML in a document it parses', () => {
    const text = 'kind: ConfigMap\n---\nkind: Pod\nimage: proxyv2:1.2.3\nx: [\n';
    expect(() => parseDocumentsMentioning({ path: 'a.yaml', text }, ['proxyv2:'])).toThrow(/broken YAML/);
    try {
      parseDocumentsMentioning({ path: 'a.yaml', text }, ['proxyv2:']);
    } catch (error) {
      expect((error as { line?: number }).line).toBeGreaterThanOrEqual(3);
    }
  });

  // In a git checkout git greps only the keywords of kinds that look at any manifest; the kinds named
  // by path (values files, Chart.yaml, kustomizations, workflows, .istio-version) are read by path.
  it.each(fixtureDirectories().map((set) => [set.name, set.dir] as const))(
    'finds every %s fixture pin in a git checkout (tracked and untracked) as a full parse of every file does',
    (_name, dir) => {
      const work = mkdtempSync(join(tmpdir(), 'pins-scan-git-'));
      try {
        const plain = join(work, 'plain');
        cpSync(dir, plain, { recursive: true });
        const expected = scanRoot(plain, true);
        for (const tracked of [true, false]) {
          const checkout = join(work, `checkout-${tracked}`);
          cpSync(dir, checkout, { recursive: true });
          const git = (...args: string[]) =>
            execFileSync('git', [
              '-C',
              checkout,
              '-c',
              'user.name=t',
              '-c',
              'user.email=t@example.com',
              ...args,
            ]);
          git('init', '-q');
          if (tracked) {
            git('add', '-A');
            git('commit', '-qm', 'fixtures', '--allow-empty');
          }
          expect(scanRoot(checkout, false), tracked ? 'tracked' : 'untracked').toEqual(expected);
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  );
});
