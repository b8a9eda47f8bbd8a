import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readControlPlaneVersion } from './version-file.js';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'version-file-')), name);
  writeFileSync(path, text);
  return path;
}

describe('readControlPlaneVersion', () => {
  it('reads a plain .istio-version', () => {
    expect(readControlPlaneVersion(file('.istio-version', '# comment\nv1.24.2\n'))).toBe('1.24.2');
  });

  it('reads any manifest with a control plane pin, ignoring data plane pins', () => {
    const sail =
      'apiVersion: sailoperator.io/v1\nkind: Istio\nspec:\n  version: v1.25.1\n---\napiVersion: sailoperator.io/v1\nkind: ZTunnel\nspec:\n  version: v1.24.0\n';
    expect(readControlPlaneVersion(file('mesh.yaml', sail))).toBe('1.25.1');
    const release =
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  chart:\n    spec:\n      chart: istiod\n      version: "1.23.4"\n';
    expect(readControlPlaneVersion(file('anything.txt', release))).toBe('1.23.4');
  });

  it('refuses a file without a control plane pin, or with pins that disagree', () => {
    expect(() => readControlPlaneVersion(file('app.yaml', 'kind: Pod\n'))).toThrow(
      /no Istio control plane version/,
    );
    const two =
      'kind: IstioOperator\napiVersion: install.istio.io/v1alpha1\nspec:\n  tag: 1.24.2\n---\nkind: IstioOperator\napiVersion: install.istio.io/v1alpha1\nspec:\n  tag: 1.25.0\n';
    expect(() => readControlPlaneVersion(file('iop.yaml', two))).toThrow(/disagree: 1.24.2, 1.25.0/);
  });
});
