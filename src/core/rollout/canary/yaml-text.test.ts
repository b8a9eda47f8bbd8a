import { describe, expect, it } from 'vitest';
import {
  applyTextEdits,
  findObject,
  insertMapEntry,
  removeListItem,
  removeMapEntry,
  replaceScalar,
} from './yaml-text.js';

const RELEASE = `# keep me
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: gw
spec:
  chart:
    spec:
      version: "\${istio_version}" # shared
  values:
    revisionTags:
      - a
      - b
    pilot:
      x: 1
`;

function edit(
  text: string,
  make: (
    located: NonNullable<ReturnType<typeof findObject>>,
  ) => ReturnType<typeof insertMapEntry> | undefined,
) {
  const located = findObject(text, 'f.yaml', 'HelmRelease', 'gw')!;
  return applyTextEdits(text, 'f.yaml', [make(located)!]);
}

describe('canary YAML text edits', () => {
  it('adds a list under a map two columns in, leaving every other byte', () => {
    const out = edit(RELEASE, (l) =>
      insertMapEntry(RELEASE, 'f.yaml', l, ['spec', 'values'], 'tags', '\n- t'),
    );
    expect(out).toBe(RELEASE + '    tags:\n      - t\n');
  });

  it('creates a missing map under its parent', () => {
    const out = edit(RELEASE, (l) =>
      insertMapEntry(RELEASE, 'f.yaml', l, ['spec', 'extra'], 'revision', '1-31-0'),
    );
    expect(out).toBe(RELEASE + '  extra:\n    revision: 1-31-0\n');
  });

  it('drops one list item, or the key with its last item', () => {
    expect(
      edit(RELEASE, (l) => removeListItem(RELEASE, 'f.yaml', l, ['spec', 'values', 'revisionTags'], 'a')),
    ).toBe(RELEASE.replace('      - a\n', ''));
    expect(
      edit(RELEASE, (l) => removeMapEntry(RELEASE, 'f.yaml', l, ['spec', 'values'], 'revisionTags')),
    ).toBe(RELEASE.replace('    revisionTags:\n      - a\n      - b\n', ''));
  });

  it('replaces a scalar keeping its quotes and comment', () => {
    expect(
      edit(RELEASE, (l) =>
        replaceScalar(RELEASE, 'f.yaml', l, ['spec', 'chart', 'spec', 'version'], '1.31.0'),
      ),
    ).toBe(RELEASE.replace('"${istio_version}" # shared', '"1.31.0" # shared'));
  });

  it('refuses flow-style maps with the file and line', () => {
    const flow = RELEASE.replace('    pilot:\n      x: 1\n', '    pilot: {x: 1}\n');
    const located = findObject(flow, 'f.yaml', 'HelmRelease', 'gw')!;
    expect(() => insertMapEntry(flow, 'f.yaml', located, ['spec', 'values', 'pilot'], 'y', '2')).toThrow(
      /block-style/,
    );
  });
});
