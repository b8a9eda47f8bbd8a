import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { readRunningVersion } from './running-version.js';

describe('readRunningVersion (the mesh model answers which version runs)', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'running-version-'));
  const file = (name: string, text: string) => {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
    return name;
  };
  file('.istio-version', '# the mesh\n1.30.4\n');
  file(
    'mesh/sail.yaml',
    'apiVersion: sailoperator.io/v1\nkind: Istio\nmetadata:\n  name: default\nspec:\n  version: v1.29.2\n',
  );
  file(
    'apps/web.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n' +
      '        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.28.4\n',
  );

  it('reads one version file: plain text with its line, or the control plane a manifest declares', async () => {
    expect(await readRunningVersion({ workspace, versionFile: '.istio-version' })).toEqual({
      version: '1.30.4',
      file: '.istio-version',
      line: 2,
    });
    expect((await readRunningVersion({ workspace, versionFile: 'mesh/sail.yaml' })).version).toBe('1.29.2');
  });

  it('takes the oldest control plane of the model as current and the oldest sidecar as the data plane', async () => {
    expect(await readRunningVersion({ workspace })).toMatchObject({
      version: '1.29.2',
      file: 'mesh/sail.yaml',
      dataPlaneVersion: '1.28.4',
    });
    expect((await readRunningVersion({ workspace, paths: ['mesh/**'] })).version).toBe('1.29.2');
    await expect(readRunningVersion({ workspace, paths: ['.istio-version'] })).rejects.toThrow(NotFoundError);
  });

  it('says where no version is declared', async () => {
    file('empty.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: empty\n');
    await expect(readRunningVersion({ workspace, versionFile: 'empty.yaml' })).rejects.toThrow(NotFoundError);
    await expect(readRunningVersion({ workspace, paths: ['empty.yaml'] })).rejects.toThrow(
      /no Istio control plane/,
    );
  });
});
