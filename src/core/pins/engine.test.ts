import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../errors.js';
import type { Logger } from '../logger.js';
import { versionOnlyChanges } from './__fixtures__/byte-diff.js';
import { renderPinUpdates } from './__fixtures__/harness.js';
import { extractPins, pinSplice, planPinUpdates } from './engine.js';
import { applySplices } from './splice.js';

const CRLF_BOM_ANCHORS =
  '\ufeff# mesh\r\n' +
  'apiVersion: install.istio.io/v1alpha1\r\n' +
  'kind: IstioOperator\r\n' +
  'spec:\r\n' +
  '  tag: &mesh "1.24.2"   # anchor\r\n' +
  '  values:\r\n' +
  '    global:\r\n' +
  '      tag: *mesh\r\n' +
  '---\r\n' +
  'apiVersion: v1\r\n' +
  'kind: Pod\r\n' +
  'spec:\r\n' +
  '  containers: [{name: istio-proxy, image: "docker.io/istio/proxyv2:1.24.2"}]\r\n';

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    notice: (m) => lines.push(`notice: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
  };
  return { lines, logger };
}

describe('pin engine', () => {
  it('keeps a BOM, CRLF line endings, anchors, aliases, flow style and other documents', () => {
    const files = [{ path: 'mesh.yaml', text: CRLF_BOM_ANCHORS }];
    const { pins } = extractPins({ files });
    // The alias resolves to the anchored scalar: one pin for it, plus the pod's proxy.
    expect(pins.map((p) => `${p.kind}@${p.line} ${p.role}`)).toEqual([
      'istio-operator@5 control-plane',
      'container-images@13 data-plane',
    ]);
    const plan = planPinUpdates(pins, { version: '1.25.0' }, { role: 'all' });
    const before = Buffer.from(CRLF_BOM_ANCHORS, 'utf8');
    const after = renderPinUpdates(plan.edits, () => before).get('mesh.yaml')!;
    expect(versionOnlyChanges(before, after).map((c) => c.line)).toEqual([5, 13]);
    expect(after.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(after.toString('utf8').split('\r\n')).toHaveLength(CRLF_BOM_ANCHORS.split('\r\n').length);
    expect(after.toString('utf8')).toContain('  tag: &mesh "1.25.0"   # anchor\r\n');
  });

  it('reports broken YAML with file:line and writes nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'pins-broken-'));
    const good = 'apiVersion: sailoperator.io/v1\nkind: Istio\nspec:\n  version: v1.24.2\n';
    writeFileSync(join(root, 'a.yaml'), good);
    writeFileSync(join(root, 'b.yaml'), 'kind: IstioOperator\nspec:\n  tag: [1.24.2\n  hub: x\n');
    let error: unknown;
    try {
      extractPins({ root });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).describe()).toMatch(/^b\.yaml:\d+: broken YAML/);
    expect(readFileSync(join(root, 'a.yaml'), 'utf8')).toBe(good);
  });

  it('skips Helm templates that are not plain YAML with a notice', () => {
    const { lines, logger } = recordingLogger();
    const template =
      'kind: IstioOperator\nspec:\n  tag: {{ .Values.tag }}\n  hub: {{ .Values.hub }}\n  x: [\n';
    expect(
      extractPins({ files: [{ path: 'chart/templates/iop.yaml', text: template }] }, { logger }).pins,
    ).toEqual([]);
    expect(lines).toEqual(['notice: skipped chart/templates/iop.yaml: a template that is not plain YAML']);
  });

  it('plans to the validated target it is given, saying whether a release list checked it', () => {
    const { pins } = extractPins({ files: [{ path: '.istio-version', text: '1.24.2\n' }] });
    expect(planPinUpdates(pins, { version: '1.25.0' }).releaseChecked).toBe(false);
    const checked = planPinUpdates(pins, { version: '1.25.0', checkedAgainst: 'github' });
    expect(checked.releaseChecked).toBe(true);
    expect(checked.edits.map((e) => e.replacement)).toEqual(['1.25.0']);
  });

  it('selects pins by role, leaves pins at the target, and does not downgrade', () => {
    const files = [
      { path: 'a/.istio-version', text: '1.24.2\n' },
      { path: 'b/.istio-version', text: '1.25.0\n' },
      { path: 'c/.istio-version', text: '1.26.0\n' },
      { path: 'pod.yaml', text: 'kind: Pod\nspec:\n  containers:\n    - image: istio/proxyv2:1.24.2\n' },
    ];
    const { pins } = extractPins({ files });
    const plan = planPinUpdates(pins, { version: '1.25.0' }, { role: 'control-plane' });
    expect(plan.edits.map((e) => e.pin.file)).toEqual(['a/.istio-version']);
    expect(plan.unchanged.map((p) => p.file)).toEqual(['b/.istio-version']);
    expect(plan.skipped.map((s) => s.pin.file)).toEqual(['c/.istio-version', 'pod.yaml']);
  });

  it('refuses to splice a file that changed since it was scanned', () => {
    const files = [{ path: '.istio-version', text: '1.24.2\n' }];
    const plan = planPinUpdates(extractPins({ files }).pins, { version: '1.25.0' });
    expect(() => renderPinUpdates(plan.edits, () => Buffer.from('1.23.9\n'))).toThrow(
      /expected 1.24.2 at column 1, found something else/,
    );
  });

  it('writes through the workspace and reports the changed files; a dry run writes nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'pins-apply-'));
    mkdirSync(join(root, 'sail'));
    const text = 'apiVersion: sailoperator.io/v1\nkind: Istio\nspec:\n  version: v1.24.2 # keep\n';
    writeFileSync(join(root, 'sail', 'istio.yaml'), text);
    const plan = planPinUpdates(extractPins({ root }).pins, { version: '1.25.0' });
    expect(applySplices(root, plan.edits.map(pinSplice), { dryRun: true })).toEqual(['sail/istio.yaml']);
    expect(readFileSync(join(root, 'sail', 'istio.yaml'), 'utf8')).toBe(text);
    expect(applySplices(root, plan.edits.map(pinSplice))).toEqual(['sail/istio.yaml']);
    expect(readFileSync(join(root, 'sail', 'istio.yaml'), 'utf8')).toBe(text.replace('v1.24.2', 'v1.25.0'));
  });
});

describe('extractPins over a git checkout', () => {
  it('finds the same pins (Flux substitutions included) as over the same files outside git', () => {
    const pinsDir = new URL('.', import.meta.url).pathname;
    const copy = (root: string) => {
      for (const kind of readdirSync(pinsDir, { withFileTypes: true })) {
        const fixtures = join(pinsDir, kind.name, '__fixtures__');
        if (!kind.isDirectory() || !existsSync(fixtures)) continue;
        for (const name of readdirSync(fixtures)) {
          // Each kind's own layout: values files, Chart.yaml, kustomization.yaml and workflows by name.
          const target =
            kind.name === 'workflow-env'
              ? join(root, '.github/workflows', name)
              : kind.name === 'istio-version-file'
                ? join(root, kind.name, '.istio-version')
                : join(root, kind.name, name);
          mkdirSync(join(target, '..'), { recursive: true });
          writeFileSync(target, readFileSync(join(fixtures, name)));
        }
      }
    };
    const plain = mkdtempSync(join(tmpdir(), 'pins-plain-'));
    const checkout = mkdtempSync(join(tmpdir(), 'pins-git-'));
    copy(plain);
    copy(checkout);
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', checkout, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
    git('init', '-q');
    git('add', 'flux-helmrelease', 'sail-operator');
    git('commit', '-qm', 'tracked and untracked files both');
    const expected = extractPins({ root: plain }).pins;
    expect(expected.some((pin) => pin.usedBy?.length)).toBe(true);
    expect(extractPins({ root: checkout }).pins).toEqual(expected);
  });
});
