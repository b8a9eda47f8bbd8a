import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../errors.js';
import { MAX_YAML_EXPANDED_NODES } from '../workspace/yaml-limits.js';
import { renderPinUpdates } from './__fixtures__/harness.js';
import { extractPins, planPinUpdates } from './engine.js';
import { parseYamlFile, revisionLabelIn } from './yaml-documents.js';

/** The "billion laughs" shape: each level lists the previous one nine times (9^levels leaves). */
function aliasBomb(levels: number): string {
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, annotations: {proxy: docker.io/istio/proxyv2:1.24.2}}',
    'x0: &a0 [lol]',
  ];
  for (let n = 1; n <= levels; n++)
    lines.push(
      `x${n}: &a${n} [${Array(9)
        .fill(`*a${n - 1}`)
        .join(', ')}]`,
    );
  lines.push('spec:', '  template:', '    metadata:', `      labels: {bomb: *a${levels}}`);
  return `${lines.join('\n')}\n`;
}

describe('bounded YAML parsing', () => {
  it('refuses an alias bomb with a clear error that states the limit, instead of hanging', () => {
    let error: unknown;
    try {
      parseYamlFile({ path: 'bomb.yaml', text: aliasBomb(9) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).message).toContain(
      `over the limit of ${MAX_YAML_EXPANDED_NODES.toLocaleString('en-US')}`,
    );
    expect((error as FileFormatError).file).toBe('bomb.yaml');
    expect((error as FileFormatError).line).toBe(5);
  });

  it('fails a scan of the workspace over a bomb the same way (bump and plan)', () => {
    expect(() => extractPins({ files: [{ path: 'apps/bomb.yaml', text: aliasBomb(9) }] })).toThrow(
      /alias bomb/,
    );
  });

  it('still reads files with ordinary aliases, and walks a shared block once', () => {
    const parsed = parseYamlFile({ path: 'ok.yaml', text: aliasBomb(3) });
    expect(revisionLabelIn(parsed.documents[0]!)).toBeUndefined();
  });
});

describe('YAML forms that used to be skipped silently', () => {
  const values = (body: string) => [
    { path: 'istio/values.yaml', text: `global:\n  hub: docker.io/istio\n${body}` },
  ];

  it('finds a version behind a YAML merge key and edits the anchored scalar', () => {
    const text = 'defaults: &d\n  tag: 1.24.2\nglobal:\n  <<: *d\n  hub: docker.io/istio\n';
    const files = [{ path: 'istio/values.yaml', text }];
    const { pins } = extractPins({ files });
    expect(pins.map((p) => [p.location, p.version, p.line])).toEqual([['global.tag', '1.24.2', 2]]);
    const plan = planPinUpdates(pins, { version: '1.24.3' });
    const out = renderPinUpdates(plan.edits, () => Buffer.from(text));
    expect(out.get('istio/values.yaml')!.toString()).toBe(text.replace('1.24.2', '1.24.3'));
  });

  it('finds a version written as a folded block scalar and changes only its digits', () => {
    const files = values('  tag: >-\n    1.24.2\n');
    const { pins } = extractPins({ files });
    expect(pins.map((p) => [p.location, p.version, p.line])).toEqual([['global.tag', '1.24.2', 4]]);
    const out = renderPinUpdates(planPinUpdates(pins, { version: '1.25.0' }).edits, () =>
      Buffer.from(files[0]!.text),
    );
    expect(out.get('istio/values.yaml')!.toString()).toBe(files[0]!.text.replace('1.24.2', '1.25.0'));
  });
});
