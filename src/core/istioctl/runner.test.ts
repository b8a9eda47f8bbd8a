import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import {
  kubeInjectArgs,
  manifestGenerateArgs,
  parseIstioctlVersion,
  parseKubeInjectStderr,
} from './runner.js';

describe('parseIstioctlVersion', () => {
  it('reads the client version from `version -o json`', () => {
    const json =
      '{\n  "clientVersion": {\n    "version": "1.30.4",\n    "revision": "9739e10eb9d7",\n    "status": "Clean"\n  }\n}\n';
    expect(parseIstioctlVersion(json)).toBe('1.30.4');
  });

  it('reads `--short` output of recent and old releases', () => {
    expect(parseIstioctlVersion('client version: 1.31.0\n')).toBe('1.31.0');
    expect(parseIstioctlVersion('1.19.3\n')).toBe('1.19.3');
  });

  it('returns undefined for output that holds no version', () => {
    expect(parseIstioctlVersion('')).toBeUndefined();
    expect(parseIstioctlVersion('{"clientVersion":{}}')).toBeUndefined();
    expect(parseIstioctlVersion('{not json')).toBeUndefined();
    expect(parseIstioctlVersion('Error: unknown flag --remote\nusage...')).toBeUndefined();
  });
});

describe('parseKubeInjectStderr', () => {
  // Lines as istioctl 1.30.4 and 1.31.0 print them (a blank line first, then one line per skip).
  const stderr = [
    '',
    '===> Skipping injection because Deployment "shop/opted-out" has sidecar injection disabled',
    '',
    '===> Skipping injection because DaemonSet "monitoring/node-exporter" has host networking enabled',
    '===> Skipping injection because "bare" has host networking enabled',
    '2026-11-26T13:40:00.000000Z\twarn\tInvalid value for sidecar.istio.io/inject: "yes"',
    '',
  ].join('\n');

  it('turns skip lines into workloads with a reason', () => {
    const parsed = parseKubeInjectStderr(stderr);
    expect(parsed.skipped.map(({ kind, name, reason }) => ({ kind, name, reason }))).toEqual([
      { kind: 'Deployment', name: 'shop/opted-out', reason: 'injection-disabled' },
      { kind: 'DaemonSet', name: 'monitoring/node-exporter', reason: 'host-network' },
      { kind: undefined, name: 'bare', reason: 'host-network' },
    ]);
    expect(parsed.skipped[0]?.message).toContain('Skipping injection');
  });

  it('keeps other non-empty lines as messages', () => {
    expect(parseKubeInjectStderr(stderr).messages).toEqual([
      '2026-11-26T13:40:00.000000Z\twarn\tInvalid value for sidecar.istio.io/inject: "yes"',
    ]);
    expect(parseKubeInjectStderr('')).toEqual({ skipped: [], messages: [] });
  });
});

describe('kubeInjectArgs', () => {
  const files = { injectConfigFile: 'inject.yaml', meshConfigFile: 'mesh.yaml', valuesFile: 'values.json' };

  it('reads stdin with the three offline files and the revision the version needs', () => {
    expect(kubeInjectArgs({ ...files, version: '1.31.0' })).toEqual([
      'kube-inject',
      '-f',
      '-',
      '--injectConfigFile',
      'inject.yaml',
      '--meshConfigFile',
      'mesh.yaml',
      '--valuesFile',
      'values.json',
      '--revision',
      'default',
    ]);
    expect(kubeInjectArgs({ ...files, version: '1.27.0' })).not.toContain('--revision');
    expect(kubeInjectArgs({ ...files, version: '1.27.0', revision: 'canary' }).slice(-2)).toEqual([
      '--revision',
      'canary',
    ]);
  });

  it('accepts an IstioOperator file instead of the mesh and values files', () => {
    const args = kubeInjectArgs({
      injectConfigFile: 'inject.yaml',
      operatorFile: 'iop.yaml',
      version: '1.30.4',
    });
    expect(args).toContain('--operatorFileName');
    expect(args).not.toContain('--valuesFile');
  });

  it('refuses a call that would make istioctl look for a cluster', () => {
    expect(() =>
      kubeInjectArgs({ injectConfigFile: 'inject.yaml', meshConfigFile: 'mesh.yaml', version: '1.30.4' }),
    ).toThrow(InvalidInputError);
  });
});

describe('manifestGenerateArgs', () => {
  it('overlays files in order, then --set flags, then the revision', () => {
    expect(
      manifestGenerateArgs({
        files: ['a.yaml', 'b.yaml'],
        setFlags: { profile: 'demo' },
        revision: 'canary',
      }),
    ).toEqual([
      'manifest',
      'generate',
      '-f',
      'a.yaml',
      '-f',
      'b.yaml',
      '--set',
      'profile=demo',
      '--revision',
      'canary',
    ]);
    expect(manifestGenerateArgs({ setFlags: ['hub=example.com'], revision: 'default' })).toEqual([
      'manifest',
      'generate',
      '--set',
      'hub=example.com',
    ]);
  });
});
