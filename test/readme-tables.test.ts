// README's input and output tables must say exactly what each action.yml declares.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/runner.js';
import { ANALYZE_OPTIONS } from '../src/options/analyze.js';
import { BUMP_OPTIONS } from '../src/options/bump.js';
import { CHECK_OPTIONS } from '../src/options/check.js';
import { GET_ISTIOCTL_OPTIONS } from '../src/options/get-istioctl.js';
import { INJECT_OPTIONS } from '../src/options/inject.js';
import { OPEN_UPGRADE_PR_OPTIONS } from '../src/options/open-upgrade-pr.js';
import { PIPELINE_OPTIONS } from '../src/options/pipeline.js';
import { optionName, type OptionTable } from '../src/options/table.js';

/** The option table each action entry reads its inputs through (the CLI reads the same one). */
const OPTION_TABLES: Record<string, OptionTable> = {
  'analyze-manifests': ANALYZE_OPTIONS,
  'bump-istio-version': BUMP_OPTIONS,
  'check-istio-release': CHECK_OPTIONS,
  'get-istioctl': GET_ISTIOCTL_OPTIONS,
  'kube-inject-manifests': INJECT_OPTIONS,
  'open-upgrade-pr': OPEN_UPGRADE_PR_OPTIONS,
  pipeline: PIPELINE_OPTIONS,
};

interface ActionManifest {
  inputs?: Record<string, { description?: string; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main?: string };
}

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

const actions = readdirSync(REPO_ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, d.name, 'action.yml')))
  .map((d) => d.name);
const all = [...actions.map((name) => ({ name, file: join(REPO_ROOT, name, 'action.yml') }))];
if (existsSync(join(REPO_ROOT, 'action.yml')))
  all.push({ name: 'pipeline', file: join(REPO_ROOT, 'action.yml') });

/** The README section for an action, between its section markers. */
function section(name: string): string {
  const match = new RegExp(`<!-- section:${name} -->([\\s\\S]*?)<!-- /section:${name} -->`).exec(readme);
  if (!match) throw new Error(`README.md has no <!-- section:${name} --> block`);
  return match[1]!;
}

/** Rows of the table whose header starts with `| <first> |`, as trimmed cells without backticks. */
function tableRows(text: string, first: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(l));
  if (start === -1) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .replaceAll('\\|', 'ESCAPED_PIPE')
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/`/g, '').replaceAll('ESCAPED_PIPE', '|')),
    );
  }
  return rows;
}

/** First-column names of the table whose header starts with `| <first> |`. */
function tableNames(text: string, first: string): string[] {
  return tableRows(text, first).map((row) => row[0]!);
}

/** A default as action.yml and the README write it: unset, '' and quotes all mean the same. */
const unset = (value: string | undefined) => (value ?? '').replace(/^'(.*)'$/, '$1');

describe('README tables match action.yml', () => {
  it('finds every composable action and the root pipeline', () => {
    expect([...actions].sort()).toEqual([
      'analyze-manifests',
      'bump-istio-version',
      'check-istio-release',
      'get-istioctl',
      'kube-inject-manifests',
      'open-upgrade-pr',
    ]);
    expect(all.map((a) => a.name)).toContain('pipeline');
  });

  for (const { name, file } of all) {
    describe(name, () => {
      const manifest = parse(readFileSync(file, 'utf8')) as ActionManifest;

      it('runs on node24 from its committed bundle', () => {
        expect(manifest.runs.using).toBe('node24');
        const main = join(file, '..', manifest.runs.main ?? '');
        expect(existsSync(main), `${manifest.runs.main} exists`).toBe(true);
      });

      it('documents every input and nothing else', () => {
        expect(tableNames(section(name), 'input').sort()).toEqual(Object.keys(manifest.inputs ?? {}).sort());
      });

      it('documents every output and nothing else', () => {
        expect(tableNames(section(name), 'output').sort()).toEqual(
          Object.keys(manifest.outputs ?? {}).sort(),
        );
      });

      const table = OPTION_TABLES[name];
      if (table) {
        const inputs = Object.entries(table).filter(([key, spec]) => optionName(key, spec, 'input'));
        it('declares the inputs its option table reads, with the same defaults and choices', () => {
          expect(inputs.map(([key, spec]) => optionName(key, spec, 'input')).sort()).toEqual(
            Object.keys(manifest.inputs ?? {}).sort(),
          );
          for (const [key, spec] of inputs) {
            const declared = manifest.inputs?.[optionName(key, spec, 'input')!];
            if (!declared?.default?.includes('${{'))
              expect(unset(declared?.default), `${name}: ${key} default`).toBe(unset(spec.default));
            for (const choice of spec.choices ?? [])
              expect(declared?.description, `${name}: ${key} names ${choice}`).toContain(choice);
          }
        });

        it("gives the option table's defaults in the README", () => {
          for (const [input, , readmeDefault] of tableRows(section(name), 'input')) {
            const spec = inputs.find(([key, s]) => optionName(key, s, 'input') === input)?.[1];
            if (readmeDefault?.includes('${{')) continue;
            // The README writes a list's default as one comma list.
            const expected =
              spec?.type === 'list'
                ? unset(spec.default).split('\n').filter(Boolean).join(', ')
                : unset(spec?.default);
            expect(unset(readmeDefault), input).toBe(expected);
          }
        });
      }

      it('describes every input and output', () => {
        for (const [key, value] of [
          ...Object.entries(manifest.inputs ?? {}),
          ...Object.entries(manifest.outputs ?? {}),
        ]) {
          expect(value.description?.trim(), `${name}: ${key}`).toBeTruthy();
        }
      });
    });
  }
});
