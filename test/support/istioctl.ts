// Locates the real istioctl binaries that scripts/build-istioctl.sh builds, building on demand.
// Without Go a test skips with one line saying why; under CI=true a missing binary is a failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './runner.js';

export interface PinnedIstioctl {
  version: string;
  module: string;
}

export function pinnedVersions(): { old: PinnedIstioctl; new: PinnedIstioctl } {
  const file = JSON.parse(readFileSync(join(REPO_ROOT, 'test/istio-versions.json'), 'utf8')) as Record<
    string,
    PinnedIstioctl
  >;
  return { old: file['old']!, new: file['new']! };
}

export function istioctlCacheDir(version: string): string {
  const root = process.env.ISTIO_AUTOPILOT_CACHE ?? join(homedir(), '.cache', 'istio-autopilot');
  return join(root, 'istioctl', version);
}

export interface IstioctlArtifacts {
  version: string;
  binary: string;
  /** istioctl-<v>-linux-amd64.tar.gz, as published on GitHub releases. */
  asset: string;
  assetName: string;
  /** The published `.sha256` file beside the asset. */
  checksumFile: string;
}

function artifacts(version: string): IstioctlArtifacts {
  const dir = istioctlCacheDir(version);
  const assetName = `istioctl-${version}-linux-amd64.tar.gz`;
  return {
    version,
    binary: join(dir, 'istioctl'),
    asset: join(dir, assetName),
    assetName,
    checksumFile: join(dir, `${assetName}.sha256`),
  };
}

const attempted = new Set<string>();

/**
 * The built istioctl for a pinned version, building it if Go is here. Returns a skip reason
 * instead when it cannot be had outside CI; throws under CI=true.
 */
export function realIstioctl(which: 'old' | 'new'): IstioctlArtifacts | { skip: string } {
  const pinned = pinnedVersions()[which];
  const found = artifacts(pinned.version);
  if (existsSync(found.binary) && existsSync(found.checksumFile)) return found;
  const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
  if (hasGo && !attempted.has(pinned.version)) {
    attempted.add(pinned.version);
    execFileSync('bash', [join(REPO_ROOT, 'scripts/build-istioctl.sh')], { stdio: 'inherit' });
    if (existsSync(found.binary)) return found;
  }
  const reason = hasGo
    ? `istioctl ${pinned.version} could not be built (see scripts/build-istioctl.sh output)`
    : `Go is not installed, so the real istioctl ${pinned.version} cannot be built`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true the istioctl tests must run`);
  return { skip: reason };
}

/** Both pinned binaries, or a skip reason. */
export function realIstioctlPair(): { old: IstioctlArtifacts; new: IstioctlArtifacts } | { skip: string } {
  const old = realIstioctl('old');
  if ('skip' in old) return old;
  const fresh = realIstioctl('new');
  if ('skip' in fresh) return fresh;
  return { old, new: fresh };
}
