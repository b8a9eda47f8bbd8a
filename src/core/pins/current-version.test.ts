import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { readCurrentVersion } from './current-version.js';

describe('readCurrentVersion', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'version-files-'));
  const file = (name: string, text: string) => {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
    return name;
  };
  file('.istio-version', '1.30.4\n');
  file(
    'mesh/operator.yaml',
    'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.29.2\n',
  );
  file(
    'mesh/sail.yaml',
    'apiVersion: sailoperator.io/v1\nkind: Istio\nmetadata:\n  name: default\nspec:\n  version: v1.31.0\n',
  );
  file(
    'apps/web.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n' +
      '        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.28.4\n',
  );

  it('reads one version file: plain text, IstioOperator spec.tag, Sail spec.version', () => {
    expect(readCurrentVersion({ workspace, versionFile: '.istio-version' })).toEqual({
      version: '1.30.4',
      file: '.istio-version',
    });
    expect(readCurrentVersion({ workspace, versionFile: 'mesh/operator.yaml' }).version).toBe('1.29.2');
    expect(readCurrentVersion({ workspace, versionFile: 'mesh/sail.yaml' }).version).toBe('1.31.0');
  });

  it('scans paths for pins: the oldest control plane is current, the oldest proxy is the data plane', () => {
    expect(readCurrentVersion({ workspace, paths: ['mesh/**', 'apps/**'] })).toEqual({
      version: '1.29.2',
      file: 'mesh/operator.yaml',
      line: 4,
      dataPlaneVersion: '1.28.4',
    });
    expect(readCurrentVersion({ workspace }).version).toBe('1.29.2');
  });

  it('says where no version is pinned', () => {
    file('empty.yaml', 'kind: ConfigMap\n');
    expect(() => readCurrentVersion({ workspace, versionFile: 'empty.yaml' })).toThrow(NotFoundError);
    expect(() => readCurrentVersion({ workspace, paths: ['empty.yaml'] })).toThrow(
      /no Istio control plane version/,
    );
  });
});
