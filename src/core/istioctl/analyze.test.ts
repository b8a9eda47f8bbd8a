import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analyzeArgs,
  analyzeManifests,
  checkAnalyzeExit,
  classifyAnalyzeExit,
  parseAnalyzeJson,
  parseFileErrors,
  resolveAnalyzeFiles,
  splitReference,
  splitYamlChunks,
} from './analyze.js';
import { silentLogger } from '../logger.js';

describe('analyzeArgs', () => {
  const base = { binary: 'istioctl', paths: [] };
  it('runs offline, as JSON, across all namespaces, without -R from 1.25', () => {
    expect(analyzeArgs({ ...base, version: '1.30.4' }, ['a.yaml'])).toEqual([
      'analyze',
      '--use-kube=false',
      '-o',
      'json',
      '-A',
      '--output-threshold',
      'Info',
      'a.yaml',
    ]);
  });
  it('adds -R up to 1.24, where directories need it', () => {
    expect(analyzeArgs({ ...base, version: '1.24.3' }, ['a.yaml'])).toContain('-R');
  });
  it('passes revision, mesh config and each suppression as separate arguments', () => {
    const args = analyzeArgs(
      {
        ...base,
        version: '1.31.0',
        allNamespaces: false,
        revision: '1-31-0',
        meshConfigFile: 'mesh.yaml',
        suppress: ['IST0102=Namespace a b'],
      },
      [],
    );
    expect(args).not.toContain('-A');
    expect(args.join(' ')).toContain(
      '--revision 1-31-0 --meshConfigFile mesh.yaml --suppress IST0102=Namespace a b',
    );
    expect(args).toContain('IST0102=Namespace a b');
  });
});

describe('exit codes', () => {
  it('reads 79, 65, 64 and 1 as log-mode results, and only 0 as a result in JSON mode', () => {
    expect(classifyAnalyzeExit(79, 'log')).toBe('findings');
    expect(classifyAnalyzeExit(65, 'log')).toBe('parse-error');
    expect(classifyAnalyzeExit(64, 'log')).toBe('usage');
    expect(classifyAnalyzeExit(1, 'log')).toBe('error');
    expect(classifyAnalyzeExit(0, 'json')).toBe('clean');
    expect(classifyAnalyzeExit(79, 'json')).toBe('error');
  });
  it("throws a typed error quoting istioctl's Error: line", () => {
    expect(() => checkAnalyzeExit(1, 'Error: stat x.yaml: no such file or directory\n', 'json')).toThrow(
      'istioctl analyze failed (exit 1): Error: stat x.yaml: no such file or directory',
    );
    expect(checkAnalyzeExit(79, '', 'log')).toBe('findings');
  });
});

describe('parseAnalyzeJson', () => {
  it('reads findings, splitting reference into file and line, and ignores istioctl log lines on stdout', () => {
    const stdout =
      '2026-11-26T13:42:46.723589Z\twarn\tfile\terror processing k.yaml[0]: no kind - skipping\n' +
      JSON.stringify([
        {
          code: 'IST0101',
          level: 'Error',
          origin: 'VirtualService a/b',
          reference: 'x/y.yaml:19',
          message: 'm',
          documentationUrl: 'u',
        },
        { code: 'IST0131', level: 'Info', origin: 'VirtualService a/c', reference: 'z.json', message: 'n' },
      ]);
    expect(parseAnalyzeJson(stdout)).toEqual([
      {
        code: 'IST0101',
        level: 'Error',
        origin: 'VirtualService a/b',
        reference: 'x/y.yaml:19',
        file: 'x/y.yaml',
        line: 19,
        message: 'm',
        documentationUrl: 'u',
        source: 'istioctl',
      },
      {
        code: 'IST0131',
        level: 'Info',
        origin: 'VirtualService a/c',
        reference: 'z.json',
        file: 'z.json',
        message: 'n',
        source: 'istioctl',
      },
    ]);
  });
  it('fails clearly when istioctl printed something else (the -R notice from 1.25)', () => {
    expect(() => parseAnalyzeJson('The recursive flag has been removed and is hardcoded to true\n')).toThrow(
      /printed no JSON findings: The recursive flag/,
    );
  });
  it('splits references with colons in the path', () => {
    expect(splitReference('C:/a.yaml:3')).toEqual({ file: 'C:/a.yaml', line: 3 });
    expect(splitReference(undefined)).toEqual({});
  });
});

describe('splitYamlChunks', () => {
  it("numbers documents the way istioctl's error messages do", () => {
    const chunks = splitYamlChunks('# head\n---\na: 1\n---\n\nb: [\n---\n---\nc: 3\n');
    expect(chunks.map((c) => [c.index, c.firstLine, c.contentLine])).toEqual([
      [0, 1, 1],
      [1, 3, 3],
      [2, 6, 6],
      [3, 8, 9],
    ]);
  });
});

describe('parseFileErrors', () => {
  it('reads each rejected document once, telling unknown documents from syntax errors', () => {
    const stderr = [
      'Error(s) adding files: 2 errors occurred:',
      '\t* errors parsing content "k.yaml": 1 error occurred:',
      '\t* error processing k.yaml[0]: unable to parse resource with no group, version and kind',
      '\t* error processing b.yaml[2]: failed converting YAML to JSON: yaml: line 7: did not find expected key',
      '\t* error processing k.yaml[0]: unable to parse resource with no group, version and kind',
    ].join('\n');
    expect(parseFileErrors(stderr)).toEqual([
      {
        file: 'k.yaml',
        index: 0,
        reason: 'unable to parse resource with no group, version and kind',
        unknown: true,
      },
      {
        file: 'b.yaml',
        index: 2,
        reason: 'failed converting YAML to JSON: yaml: line 7: did not find expected key',
        unknown: false,
        chunkLine: 7,
      },
    ]);
  });
});

describe('resolveAnalyzeFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-files-'));
  for (const f of ['a/x.yaml', 'a/b/y.yml', 'a/z.json', 'a/readme.md', 'node_modules/m.yaml', 'c/w.yaml'].map(
    (f) => join(dir, f),
  )) {
    mkdirSync(join(f, '..'), { recursive: true });
    writeFileSync(f, 'a: 1\n');
  }
  it('walks directories and globs for .yaml, .yml and .json only, honouring exclusions', () => {
    expect(resolveAnalyzeFiles(['a'], dir)).toEqual(['a/b/y.yml', 'a/x.yaml', 'a/z.json']);
    expect(resolveAnalyzeFiles(['**/*.yaml', '!c/**'], dir)).toEqual(['a/x.yaml']);
  });
  it('refuses paths that match nothing', () => {
    expect(() => resolveAnalyzeFiles(['nothing/**'], dir)).toThrow(/input 'paths'|no .yaml/);
  });

  describe('reads nothing outside the workspace', () => {
    const outside = mkdtempSync(join(tmpdir(), 'analyze-outside-'));
    writeFileSync(join(outside, 'secret.yaml'), 'kind: Secret\n');
    const ws = mkdtempSync(join(tmpdir(), 'analyze-ws-'));
    writeFileSync(join(ws, 'ok.yaml'), 'a: 1\n');
    symlinkSync(join(outside, 'secret.yaml'), join(ws, 'link.yaml'));
    symlinkSync(outside, join(ws, 'linked'));

    it('refuses an absolute path outside', () => {
      expect(() => resolveAnalyzeFiles([join(outside, 'secret.yaml')], ws)).toThrow(
        /leads outside the workspace/,
      );
      expect(() => resolveAnalyzeFiles([outside], ws)).toThrow(/leads outside the workspace/);
    });
    it('refuses .. in a path or glob', () => {
      expect(() => resolveAnalyzeFiles(['../**/*.yaml'], ws)).toThrow(
        expect.objectContaining({ input: 'paths', message: expect.stringMatching(/leads outside/) }),
      );
    });
    it('refuses a file or directory given through a link that leaves', () => {
      expect(() => resolveAnalyzeFiles(['link.yaml'], ws)).toThrow(/through a symbolic link/);
      expect(() => resolveAnalyzeFiles(['linked'], ws)).toThrow(/through a symbolic link/);
      expect(() => resolveAnalyzeFiles(['linked/**/*.yaml'], ws)).toThrow(/leads outside/);
    });
    it('refuses a mesh-config-file outside before istioctl runs', async () => {
      await expect(
        analyzeManifests({
          binary: '/no/such/istioctl',
          version: '1.31.0',
          paths: ['ok.yaml'],
          cwd: ws,
          meshConfigFile: '../mesh.yaml',
        }),
      ).rejects.toThrow(
        expect.objectContaining({
          input: 'mesh-config-file',
          message: expect.stringMatching(/leads outside/),
        }),
      );
    });
    it('walks past links that leave, with a warning', () => {
      const lines: string[] = [];
      const logger = { ...silentLogger, warning: (m: string) => lines.push(m) };
      expect(resolveAnalyzeFiles(['**/*.yaml'], ws, logger)).toEqual(['ok.yaml']);
      expect(lines).toEqual([
        'refused link.yaml: a symbolic link that leads outside the workspace',
        'refused linked: a symbolic link that leads outside the workspace',
      ]);
    });
  });
});
