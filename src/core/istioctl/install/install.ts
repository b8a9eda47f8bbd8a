// Installs istioctl: resolve the version, look in the tool cache, else download, verify the
// SHA-256 (published and pinned), extract, cache. A failed install leaves nothing in the cache.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { ChecksumMismatchError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { GitHubClient } from '../../github/client.js';
import { listIstioReleases } from '../../releases/github-releases.js';
import { HttpCache } from '../../releases/http-cache.js';
import { parsePinnedChecksum, parseSha256File } from './checksum.js';
import { downloadFile, DownloadNotFoundError, downloadText, type DownloadOptions } from './download.js';
import { binaryName, describePlatform, istioctlAssetNames, type Platform } from './platform.js';
import { resolveIstioctlVersion } from './resolve.js';

export const DEFAULT_DOWNLOAD_BASE_URL = 'https://github.com/istio/istio/releases/download';
const TOOL_NAME = 'istioctl';

export interface InstallIstioctlOptions {
  /** A version or range (default latest); the caller resolves `version-file` through the mesh model. */
  version?: string;
  includePrereleases?: boolean;
  platform: Platform;
  /** Where `<tag>/<asset>` downloads live (mirrors, air-gapped installs). */
  downloadBaseUrl?: string;
  /** A SHA-256 the archive must also match. */
  checksum?: string;
  /** Only used when the version must be resolved from the release listing. */
  github: GitHubClient;
  /** Where release listings are cached for conditional requests; none if unset. */
  httpCacheDir?: string;
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

export async function installIstioctl(options: InstallIstioctlOptions): Promise<InstalledIstioctl> {
  const logger = options.logger ?? silentLogger;
  const pinned = options.checksum ? parsePinnedChecksum(options.checksum) : undefined;
  const downloadBase = downloadBaseUrlOf(options.downloadBaseUrl);
  const request = versionRequest(options);
  const resolved = await resolveIstioctlVersion(request, () =>
    listIstioReleases(options.github, {
      logger,
      ...(options.httpCacheDir ? { cache: new HttpCache(options.httpCacheDir) } : {}),
    }),
  );
  const { version } = resolved;
  if (resolved.listed) logger.info(`Resolved ${request.input} '${request.spec}' to istioctl ${version}`);
  const platform = options.platform;
  const cacheKey = `${platform.os}-${platform.arch}`;
  const assetNames = istioctlAssetNames(version, platform);
  if (assetNames.length === 0) throw notPublished(version, platform, []);

  const cached = toolCache.find(TOOL_NAME, version, cacheKey);
  if (cached && existsSync(join(cached, binaryName(platform)))) {
    logger.info(`istioctl ${version} (${describePlatform(platform)}) found in the tool cache`);
    return { version, path: join(cached, binaryName(platform)), cacheHit: true, platform };
  }

  const scratch = await mkdtemp(join(options.tempDir, 'istioctl-'));
  try {
    const archive = await downloadArchive(
      options,
      downloadBase,
      resolved.tag,
      version,
      assetNames,
      scratch,
      logger,
    );
    const published = await publishedChecksum(archive.url, archive.name, pinned, options, logger);
    verify(archive, published, pinned);
    const against = [published ? 'the published .sha256' : '', pinned ? 'the pinned checksum' : ''].filter(
      Boolean,
    );
    logger.info(`SHA-256 ${archive.sha256} matches ${against.join(' and ')}`);
    const extracted = join(scratch, 'extracted');
    if (archive.name.endsWith('.zip')) await toolCache.extractZip(archive.path, extracted);
    else await toolCache.extractTar(archive.path, extracted);
    const binary = join(extracted, binaryName(platform));
    if (!existsSync(binary)) {
      throw new NotFoundError(`${archive.name} does not hold ${binaryName(platform)}`, {
        hint: 'The archive is not an istioctl release archive; check the download-base-url mirror.',
      });
    }
    if (platform.os !== 'win') await chmod(binary, 0o755);
    const cachedDir = await cacheAtomically(extracted, version, cacheKey);
    logger.info(`istioctl ${version} (${describePlatform(platform)}) installed from ${archive.url}`);
    return {
      version,
      path: join(cachedDir, binaryName(platform)),
      cacheHit: false,
      platform,
      sha256: archive.sha256,
      url: archive.url,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function versionRequest(options: InstallIstioctlOptions) {
  const includePrereleases = options.includePrereleases ?? false;
  return { spec: options.version?.trim() || 'latest', input: 'version', includePrereleases };
}

function downloadBaseUrlOf(value: string | undefined): string {
  const base = (value ?? DEFAULT_DOWNLOAD_BASE_URL).trim().replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new InvalidInputError(`'${value}' is not an http(s) URL`, {
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
      logger.info(`Downloading ${url}`);
      const file = await downloadFile(url, join(scratch, name), { logger, ...options.download });
      return { name, url, path: file.path, sha256: file.sha256 };
    } catch (error) {
      if (!(error instanceof DownloadNotFoundError)) throw error;
      logger.debug(`${url}: not found`);
    }
  }
  throw notPublished(version, options.platform, tried);
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
      logger.warning(`${url}.sha256 is not published; verifying against the pinned checksum only`);
      return undefined;
    }
    throw new NotFoundError(`no published checksum for ${name} (${url}.sha256 was not found)`, {
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
