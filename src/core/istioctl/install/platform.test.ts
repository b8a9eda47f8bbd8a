import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../errors.js';
import { binaryName, istioctlAssetNames, resolvePlatform, type Platform } from './platform.js';

const p = (os: Platform['os'], arch: Platform['arch']): Platform => ({ os, arch });

describe('istioctlAssetNames across eras', () => {
  it.each([
    // Linux: arch-less before 1.6, only amd64 then.
    ['1.5.10', p('linux', 'amd64'), ['istioctl-1.5.10-linux.tar.gz']],
    ['1.5.10', p('linux', 'arm64'), []],
    ['1.6.0', p('linux', 'amd64'), ['istioctl-1.6.0-linux-amd64.tar.gz']],
    ['1.6.0', p('linux', 'arm64'), ['istioctl-1.6.0-linux-arm64.tar.gz']],
    ['1.31.0', p('linux', 'armv7'), ['istioctl-1.31.0-linux-armv7.tar.gz']],
    // macOS: arch-less amd64 before 1.10; arm64 from 1.10; the arch-less name stays as a fallback.
    ['1.9.9', p('osx', 'amd64'), ['istioctl-1.9.9-osx.tar.gz']],
    ['1.9.9', p('osx', 'arm64'), []],
    ['1.10.0', p('osx', 'amd64'), ['istioctl-1.10.0-osx-amd64.tar.gz', 'istioctl-1.10.0-osx.tar.gz']],
    ['1.10.0', p('osx', 'arm64'), ['istioctl-1.10.0-osx-arm64.tar.gz']],
    ['1.31.0-rc.0', p('osx', 'arm64'), ['istioctl-1.31.0-rc.0-osx-arm64.tar.gz']],
    ['1.31.0', p('osx', 'armv7'), []],
    // Windows: zips; arch-less before 1.10.
    ['1.9.0', p('win', 'amd64'), ['istioctl-1.9.0-win.zip']],
    ['1.24.2', p('win', 'amd64'), ['istioctl-1.24.2-win-amd64.zip', 'istioctl-1.24.2-win.zip']],
    ['1.24.2', p('win', 'armv7'), []],
  ] as const)('%s on %o -> %o', (version, platform, names) => {
    expect(istioctlAssetNames(version, platform)).toEqual(names);
  });

  it('normalises a v-prefixed version', () => {
    expect(istioctlAssetNames('v1.24.2', p('linux', 'amd64'))).toEqual([
      'istioctl-1.24.2-linux-amd64.tar.gz',
    ]);
  });

  it('names istioctl.exe on Windows only', () => {
    expect(binaryName(p('win', 'amd64'))).toBe('istioctl.exe');
    expect(binaryName(p('osx', 'arm64'))).toBe('istioctl');
  });
});

describe('resolvePlatform', () => {
  it('takes the runner OS and arch by default', () => {
    expect(resolvePlatform({}, { RUNNER_OS: 'macOS', RUNNER_ARCH: 'ARM64' })).toEqual(p('osx', 'arm64'));
    expect(resolvePlatform({}, { RUNNER_OS: 'Windows', RUNNER_ARCH: 'X64' })).toEqual(p('win', 'amd64'));
    expect(resolvePlatform({}, { RUNNER_OS: 'Linux', RUNNER_ARCH: 'ARM' })).toEqual(p('linux', 'armv7'));
  });

  it('lets explicit inputs win over the runner, in any common spelling', () => {
    const runner = { RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' };
    expect(resolvePlatform({ os: 'windows' }, runner)).toEqual(p('win', 'amd64'));
    expect(resolvePlatform({ os: 'darwin', arch: 'aarch64' }, runner)).toEqual(p('osx', 'arm64'));
    expect(resolvePlatform({ os: 'Linux', arch: 'x86_64' }, runner)).toEqual(p('linux', 'amd64'));
  });

  it('falls back to this process without runner variables', () => {
    const platform = resolvePlatform({}, {});
    expect(['linux', 'osx', 'win']).toContain(platform.os);
  });

  it('names the input for an unknown os or arch', () => {
    expect(() => resolvePlatform({ os: 'solaris' }, {})).toThrow(InvalidInputError);
    try {
      resolvePlatform({ arch: 'mips' }, { RUNNER_OS: 'Linux' });
    } catch (error) {
      expect((error as InvalidInputError).describe()).toMatch(
        /^input 'arch': 'mips' is not a supported arch/,
      );
    }
    expect.assertions(2);
  });
});
