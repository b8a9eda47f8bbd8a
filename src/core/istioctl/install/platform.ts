// Which istioctl archive fits an OS/arch: normalising runner and user spellings, and Istio's
// asset names across eras (arch-less names for old Linux and macOS releases).
import { InvalidInputError } from '../../errors.js';
import { parseIstioVersion } from '../../versions/parse.js';

export type IstioOs = 'linux' | 'osx' | 'win';
export type IstioArch = 'amd64' | 'arm64' | 'armv7';

export interface Platform {
  os: IstioOs;
  arch: IstioArch;
}

const OS_NAMES: Record<string, IstioOs> = {
  linux: 'linux',
  macos: 'osx',
  osx: 'osx',
  darwin: 'osx',
  mac: 'osx',
  windows: 'win',
  win: 'win',
  win32: 'win',
};

const ARCH_NAMES: Record<string, IstioArch> = {
  x64: 'amd64',
  amd64: 'amd64',
  x86_64: 'amd64',
  arm64: 'arm64',
  aarch64: 'arm64',
  arm: 'armv7',
  armv7: 'armv7',
  armv7l: 'armv7',
  armhf: 'armv7',
};

/** The platform to install for: explicit inputs win, then RUNNER_OS/RUNNER_ARCH, then this process. */
export function resolvePlatform(
  requested: { os?: string; arch?: string },
  env: Record<string, string | undefined> = process.env,
): Platform {
  return {
    os: normalise(
      requested.os,
      env['RUNNER_OS'] ?? process.platform,
      OS_NAMES,
      'os',
      'linux, macos (darwin, osx), windows',
    ),
    arch: normalise(
      requested.arch,
      env['RUNNER_ARCH'] ?? process.arch,
      ARCH_NAMES,
      'arch',
      'amd64 (x64), arm64, armv7 (arm)',
    ),
  };
}

function normalise<T>(
  value: string | undefined,
  fallback: string,
  names: Record<string, T>,
  input: string,
  known: string,
): T {
  const given = value?.trim();
  const found = names[(given || fallback).toLowerCase()];
  if (found) return found;
  throw new InvalidInputError(`'${given || fallback}' is not a supported ${input}`, {
    input: given ? input : undefined,
    hint: given ? `Use one of: ${known}.` : `Set the ${input} input to one of: ${known}.`,
  });
}

/** `linux/amd64`, as errors and summaries name a platform. */
export function describePlatform(platform: Platform): string {
  return `${platform.os}/${platform.arch}`;
}

/** The file inside the archive. */
export function binaryName(platform: Platform): string {
  return platform.os === 'win' ? 'istioctl.exe' : 'istioctl';
}

const atLeast = (version: { major: number; minor: number }, major: number, minor: number) =>
  version.major > major || (version.major === major && version.minor >= minor);

/**
 * Asset names to try, best first; empty when Istio never published that version for the platform.
 * Linux gained arch suffixes in 1.6 and macOS in 1.10 (Istio's own downloader). Windows is taken
 * to follow macOS; as its cut-over is not documented, the arch-less name is always the fallback.
 */
export function istioctlAssetNames(version: string, platform: Platform): string[] {
  const parsed = parseIstioVersion(version);
  if (!parsed) throw new InvalidInputError(`'${version}' is not an Istio version`, { input: 'version' });
  const v = parsed.version;
  const { os, arch } = platform;
  const ext = os === 'win' ? 'zip' : 'tar.gz';
  const withArch = `istioctl-${v}-${os}-${arch}.${ext}`;
  const archless = `istioctl-${v}-${os}.${ext}`;
  if (os === 'linux') {
    if (atLeast(parsed, 1, 6)) return [withArch];
    return arch === 'amd64' ? [archless] : [];
  }
  if (arch === 'armv7') return [];
  if (atLeast(parsed, 1, 10)) return arch === 'amd64' ? [withArch, archless] : [withArch];
  return arch === 'amd64' ? [archless] : [];
}
