// Installs one exact istioctl version: look in the tool cache, else download, verify the SHA-256
// (published and pinned), extract, cache. A failed install leaves nothing in the cache. Which version
// a spec or a file means is the caller's to resolve (releases/resolve-version.ts).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { ChecksumMismatchError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { redactUrl, registerSecret, silentLogger } from '../../logger.js';
import { parseIstioVersion } from '../../versions/parse.js';
import { cachedVersions, quietly, recordInstall, TOOL_NAME, verifiedCacheHit } from './cached.js';
import { parsePinnedChecksum, parseSha256File } from './checksum.js';
import { downloadFile, DownloadNotFoundError, downloadText, type DownloadOptions } from './download.js';
import { binaryName, describePlatform, istioctlAssetNames, type Platform } from './platform.js';

export const DEFAULT_DOWNLOAD_BASE_URL = 'https://github.com/istio/istio/releases/download';

export interface InstallIstioctlOptions {
  /** An exact Istio version, e.g. 1.30.4 (resolve ranges and `latest` first). */
  version: string;
  /** The release tag downloads live under; default the version (Istio's tags carry no `v`). */
  tag?: string;
  platform: Platform;
  /** Where `<tag>/<asset>` downloads live (mirrors, air-gapped installs). */
  downloadBaseUrl?: string;
  /** A SHA-256 the archive must also match. */
  checksum?: string;
  /** No GitHub download: only a cached binary, or a given download-base-url mirror. */
  offline?: boolean;
  /** Scratch space for the archive (RUNNER_TEMP); removed afterwards. */
  tempDir: string;
  download?: DownloadOptions;
  logger?: Logger;
}

export interface InstalledIstioctl {
  version: string;
  /** Absolute path of the binary. */
  path: string;
  cacheHit: boolean;
  platform: Platform;
  /** The archive's verified SHA-256 (downloads only). */
  sha256?: string;
  /** Where the archive came from (downloads only). */
  url?: string;
}

/** Fails on a malformed checksum or download-base-url; callers run it before resolving a version. */
export function checkInstallInputs(options: Pick<InstallIstioctlOptions, 'checksum' | 'downloadBaseUrl'>) {
  return {
    pinned: options.checksum ? parsePinnedChecksum(options.checksum) : undefined,
    downloadBase: downloadBaseUrlOf(options.downloadBaseUrl),
  };
}

export async function installIstioctl(options: InstallIstioctlOptions): Promise<InstalledIstioctl> {
  const logger = options.logger ?? silentLogger;
  const { pinned, downloadBase } = checkInstallInputs(options);
  const version = exactVersion(options.version);
  const tag = options.tag ?? version;
  const platform = options.platform;
  const cacheKey = `${platform.os}-${platform.arch}`;
  const assetNames = istioctlAssetNames(version, platform);
  if (assetNames.length === 0) throw notPublished(version, platform, []);

  const cached = await verifiedCacheHit(version, cacheKey, binaryName(platform), pinned, logger);
  if (cached) {
    logger.info(`istioctl ${version} (${describePlatform(platform)}) found in the tool cache`);
    return { version, path: cached, cacheHit: true, platform };
  }
  // Offline, only a mirror may serve the archive; GitHub's own download URL counts as no mirror.
  if (options.offline && downloadBase === DEFAULT_DOWNLOAD_BASE_URL) {
    throw offlineMiss(version);
  }

  const scratch = await mkdtemp(join(options.tempDir, 'istioctl-'));
  try {
    const archive = await downloadArchive(options, downloadBase, tag, version, assetNames, scratch, logger);
    const published = await publishedChecksum(archive.url, archive.name, pinned, options, logger);
    verify(archive, published, pinned);
    const against = [published ? 'the published .sha256' : '', pinned ? 'the pinned checksum' : ''].filter(
      Boolean,
    );
    logger.info(`SHA-256 ${archive.sha256} matches ${against.join(' and ')}`);
    const extracted = await extractBinary(archive, join(scratch, 'extracted'), platform, logger);
    await recordInstall(extracted, binaryName(platform), archive);
    const cachedDir = await quietly(logger, () => cacheAtomically(extracted, version, cacheKey));
    logger.info(
      `istioctl ${version} (${describePlatform(platform)}) installed from ${redactUrl(archive.url)}`,
    );
    return {
      version,
      path: join(cachedDir, binaryName(platform)),
      cacheHit: false,
      platform,
      sha256: archive.sha256,
      url: redactUrl(archive.url),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function offlineMiss(version: string): NotFoundError {
  return new NotFoundError(
    `istioctl ${version} is not in the tool cache, and offline runs do not download from GitHub`,
    {
      input: 'offline',
      hint: 'Run once without --offline to cache it, or give --download-base-url a mirror that serves the release archives.',
    },
  );
}

/** Unpacks the archive into `extracted` and makes its istioctl executable; returns `extracted`. */
async function extractBinary(
  archive: { name: string; path: string },
  extracted: string,
  platform: InstallIstioctlOptions['platform'],
  logger: Logger,
): Promise<string> {
  await quietly(logger, () =>
    archive.name.endsWith('.zip')
      ? toolCache.extractZip(archive.path, extracted)
      : toolCache.extractTar(archive.path, extracted),
  );
  const binary = join(extracted, binaryName(platform));
  if (!existsSync(binary)) {
    throw new NotFoundError(`${archive.name} does not hold ${binaryName(platform)}`, {
      hint: 'The archive is not an istioctl release archive; check the download-base-url mirror.',
    });
  }
  if (platform.os !== 'win') await chmod(binary, 0o755);
  return extracted;
}

function exactVersion(text: string): string {
  const parsed = parseIstioVersion(text);
  if (!parsed) {
    throw new InvalidInputError(`'${text}' is not an exact Istio version`, {
      input: 'version',
      hint: 'Resolve a range or latest to one release before installing, e.g. 1.30.4.',
    });
  }
  return parsed.version;
}

function downloadBaseUrlOf(value: string | undefined): string {
  const base = (value ?? DEFAULT_DOWNLOAD_BASE_URL).trim().replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  // A password in the URL works (sent as Basic auth) but must never be printed.
  if (url?.password) registerSecret(decodeURIComponent(url.password));
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new InvalidInputError(`'${redactUrl(value ?? '')}' is not an http(s) URL`, {
      input: 'download-base-url',
      hint: `Give the URL under which <version>/<asset> live, e.g. ${DEFAULT_DOWNLOAD_BASE_URL}.`,
    });
  }
  return base;
}

interface Archive {
  name: string;
  url: string;
  path: string;
  sha256: string;
}

async function downloadArchive(
  options: InstallIstioctlOptions,
  base: string,
  tag: string,
  version: string,
  assetNames: string[],
  scratch: string,
  logger: Logger,
): Promise<Archive> {
  const tried: string[] = [];
  for (const name of assetNames) {
    const url = `${base}/${encodeURIComponent(tag)}/${name}`;
    tried.push(url);
    try {
      logger.info(`Downloading ${redactUrl(url)}`);
      const file = await downloadFile(url, join(scratch, name), { logger, ...options.download });
      return { name, url, path: file.path, sha256: file.sha256 };
    } catch (error) {
      if (!(error instanceof DownloadNotFoundError)) throw error;
      logger.debug(`${redactUrl(url)}: not found`);
    }
  }
  throw notPublished(version, options.platform, tried.map(redactUrl));
}

function notPublished(version: string, platform: Platform, tried: string[]): NotFoundError {
  return new NotFoundError(`istioctl ${version} is not published for ${describePlatform(platform)}`, {
    hint: tried.length
      ? `Not found: ${tried.join(', ')}. Check the version, os and arch inputs, or the download-base-url mirror.`
      : 'Istio did not build istioctl for this platform in that release; pick another os/arch or a newer version.',
  });
}

async function publishedChecksum(
  url: string,
  name: string,
  pinned: string | undefined,
  options: InstallIstioctlOptions,
  logger: Logger,
): Promise<string | undefined> {
  try {
    return parseSha256File(
      await downloadText(`${url}.sha256`, { logger, ...options.download }),
      name,
      `${url}.sha256`,
    );
  } catch (error) {
    if (!(error instanceof DownloadNotFoundError)) throw error;
    if (pinned) {
      logger.warning(`${redactUrl(url)}.sha256 is not published; verifying against the pinned checksum only`);
      return undefined;
    }
    throw new NotFoundError(`no published checksum for ${name} (${redactUrl(url)}.sha256 was not found)`, {
      input: 'download-base-url',
      hint: 'A mirror must serve the .sha256 file beside each archive, or pin the hash with the checksum input.',
    });
  }
}

function verify(archive: Archive, published: string | undefined, pinned: string | undefined): void {
  if (published && archive.sha256 !== published) {
    throw new ChecksumMismatchError(`SHA-256 of ${archive.name} does not match the published checksum`, {
      hint: `Published (${archive.url}.sha256): ${published}\nDownloaded: ${archive.sha256}\nNothing was installed; the download may be corrupt or tampered with.`,
    });
  }
  if (pinned && archive.sha256 !== pinned) {
    throw new ChecksumMismatchError(`SHA-256 of ${archive.name} does not match the pinned checksum`, {
      input: 'checksum',
      hint: `Pinned: ${pinned}\nDownloaded: ${archive.sha256}\nNothing was installed. Update the pin only if the new hash is the one Istio published.`,
    });
  }
}

/** cacheDir, undone if it fails half-way so no partial version is ever found. */
async function cacheAtomically(source: string, version: string, cacheKey: string): Promise<string> {
  try {
    return await toolCache.cacheDir(source, TOOL_NAME, version, cacheKey);
  } catch (error) {
    const root = process.env['RUNNER_TOOL_CACHE'];
    if (root) {
      const dir = join(root, TOOL_NAME, version, cacheKey);
      await rm(dir, { recursive: true, force: true });
      await rm(`${dir}.complete`, { force: true });
    }
    throw error;
  }
}

/** Offline, the "releases" a range can resolve to are the istioctl versions already in the tool cache. */
export function cachedIstioctlReleases(
  platform: Platform,
  logger: Logger = silentLogger,
): { version: string; tag: string; prerelease: boolean }[] {
  const versions = cachedVersions(`${platform.os}-${platform.arch}`, logger);
  if (versions.length === 0) {
    throw new NotFoundError('no istioctl is in the tool cache, and offline runs cannot list releases', {
      input: 'offline',
      hint: 'Give an exact version that is cached, or run once without --offline.',
    });
  }
  logger.info(`offline: resolving over the cached istioctl versions ${versions.join(', ')}`);
  return versions.map((version) => ({ version, tag: version, prerelease: version.includes('-') }));
}
