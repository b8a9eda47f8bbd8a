// The emulator's release family: GitHub's release listing and by-tag routes, plus the download host
// (github.com/<owner>/<repo>/releases/download/<tag>/<asset>) with its `.sha256` files.
import { createHash } from 'node:crypto';
import { paginate, type EmulatorRequest, type EmulatorResponse, type GitHubEmulator } from './server.js';

export interface EmulatedRelease {
  id: number;
  tag: string;
  /** GitHub's own pre-release flag. */
  prerelease: boolean;
  draft: boolean;
  createdAt: string;
  /** Null for drafts, as GitHub has it. */
  publishedAt: string | null;
}

export interface ReleaseState {
  owner: string;
  repo: string;
  releases: EmulatedRelease[];
  /** Asset bytes by `<tag>/<name>`. */
  assets: Map<string, Buffer>;
  /**
   * What `<tag>/<name>.sha256` serves instead of the true checksum, or `null` for no checksum file.
   * Without an entry the true `<hex>  <name>\n` is served, as Istio publishes it.
   */
  checksumFiles: Map<string, string | null>;
  /** Where downloads live on the emulator, e.g. /download (so download-base-url is <emulator>/download). */
  downloadBasePath: string;
  /** Serve downloads through a 302 to a storage path, as github.com does. */
  redirectDownloads: boolean;
}

export function createReleaseState(overrides: Partial<ReleaseState> = {}): ReleaseState {
  return {
    owner: 'istio',
    repo: 'istio',
    releases: [],
    assets: new Map(),
    checksumFiles: new Map(),
    downloadBasePath: '/download',
    redirectDownloads: true,
    ...overrides,
  };
}

/** The download base URL a client is given (the `download-base-url` input). */
export function downloadBaseUrl(emulator: GitHubEmulator, state: ReleaseState): string {
  return `${emulator.url}${state.downloadBasePath}`;
}

export function sha256Hex(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Publishes an asset on an existing release. */
export function addReleaseAsset(
  state: ReleaseState,
  tag: string,
  name: string,
  content: Buffer | string,
): void {
  if (!state.releases.some((r) => r.tag === tag)) throw new Error(`no emulated release ${tag}`);
  state.assets.set(`${tag}/${name}`, Buffer.isBuffer(content) ? content : Buffer.from(content));
}

export interface ReleaseHistoryOptions {
  /** First and last minor of the 1.x line, inclusive (defaults 1.0 and 1.31). */
  firstMinor?: number;
  lastMinor?: number;
  /** Patches per minor after .0 (default 10), or a per-minor override such as { 30: 4 }. */
  patches?: number;
  lastPatch?: Record<number, number>;
  /** Add drafts (an unreleased next minor and an unreleased next patch); default true. */
  drafts?: boolean;
  /** Add releases whose tags are not Istio versions (old snapshot tags); default true. */
  oddTags?: boolean;
}

const DAY = 86_400_000;
const HISTORY_START = Date.UTC(2018, 6, 31, 1, 38, 36);

/**
 * A realistic Istio release history: a minor every quarter, each preceded by alpha/beta/rc
 * prereleases and followed by patches every three weeks while older lines still get patches,
 * so versions interleave in creation order as they do on GitHub. Hundreds of releases.
 */
export function buildIstioReleaseHistory(options: ReleaseHistoryOptions = {}): EmulatedRelease[] {
  const first = options.firstMinor ?? 0;
  const last = options.lastMinor ?? 31;
  const patches = options.patches ?? 10;
  const releases: EmulatedRelease[] = [];
  let id = 10_000_000;
  const add = (tag: string, at: number, extra: Partial<EmulatedRelease> = {}) => {
    const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    releases.push({
      id: id++,
      tag,
      prerelease: /-/.test(tag),
      draft: false,
      createdAt: iso,
      publishedAt: iso,
      ...extra,
    });
  };
  for (let minor = first; minor <= last; minor++) {
    const gaAt = HISTORY_START + (minor - first) * 91 * DAY;
    if (minor > first) {
      for (const [pre, daysBefore] of [
        ['alpha.0', 28],
        ['beta.0', 21],
        ['beta.1', 14],
        ['rc.0', 7],
        ['rc.1', 3],
      ] as const) {
        add(`1.${minor}.0-${pre}`, gaAt - daysBefore * DAY);
      }
    }
    add(`1.${minor}.0`, gaAt);
    const lastPatch = options.lastPatch?.[minor] ?? patches;
    for (let patch = 1; patch <= lastPatch; patch++)
      add(`1.${minor}.${patch}`, gaAt + patch * 21 * DAY + 3_600_000);
  }
  const newest = Math.max(...releases.map((r) => Date.parse(r.createdAt)));
  if (options.drafts !== false) {
    // Drafts carry tags newer than anything published: a client that forgets to drop them resolves wrong.
    add(`1.${last + 1}.0`, newest + 2 * DAY, { draft: true, prerelease: false, publishedAt: null });
    add(`1.${last}.${(options.lastPatch?.[last] ?? patches) + 1}`, newest + DAY, {
      draft: true,
      publishedAt: null,
    });
  }
  if (options.oddTags !== false) {
    add('1.1.0.snapshot.1', HISTORY_START + 120 * DAY, { prerelease: true });
    add('1.15-beta.0', HISTORY_START + 1300 * DAY, { prerelease: true });
  }
  return releases;
}

/** GitHub lists releases newest-created first. */
function listingOrder(releases: readonly EmulatedRelease[]): EmulatedRelease[] {
  return [...releases].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
}

const ROBOT = {
  login: 'istio-testing',
  id: 15634174,
  node_id: 'MDQ6VXNlcjE1NjM0MTc0',
  type: 'User',
  site_admin: false,
  gravatar_id: '',
};

function user(api: string) {
  const u = `${api}/users/${ROBOT.login}`;
  return {
    ...ROBOT,
    avatar_url: `https://avatars.githubusercontent.com/u/${ROBOT.id}?v=4`,
    url: u,
    html_url: `https://github.com/${ROBOT.login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
  };
}

function contentType(name: string): string {
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.tar.gz')) return 'application/gzip';
  return 'text/plain';
}

/** Every file published on a release: its assets and, beside each archive, its `.sha256`. */
function publishedFiles(state: ReleaseState, tag: string): { name: string; content: Buffer }[] {
  const files: { name: string; content: Buffer }[] = [];
  for (const [key, content] of state.assets) {
    if (!key.startsWith(`${tag}/`)) continue;
    const name = key.slice(tag.length + 1);
    files.push({ name, content });
    const checksum = checksumFile(state, tag, name);
    if (checksum !== undefined && !state.assets.has(`${key}.sha256`))
      files.push({ name: `${name}.sha256`, content: checksum });
  }
  return files;
}

function checksumFile(state: ReleaseState, tag: string, name: string): Buffer | undefined {
  if (name.endsWith('.sha256')) return undefined;
  const content = state.assets.get(`${tag}/${name}`);
  if (!content) return undefined;
  const override = state.checksumFiles.get(`${tag}/${name}`);
  if (override === null) return undefined;
  return Buffer.from(override ?? `${sha256Hex(content)}  ${name}\n`);
}

function hostOf(req: EmulatorRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** A release as GitHub's REST API returns it (checked against OpenAPI by the server). */
export function releaseJson(state: ReleaseState, release: EmulatedRelease, host: string) {
  const api = host;
  const repoApi = `${api}/repos/${state.owner}/${state.repo}`;
  const html = `https://github.com/${state.owner}/${state.repo}`;
  const tagPath = release.draft ? `untagged-${release.id.toString(16)}` : `tag/${release.tag}`;
  return {
    url: `${repoApi}/releases/${release.id}`,
    assets_url: `${repoApi}/releases/${release.id}/assets`,
    upload_url: `https://uploads.github.com/repos/${state.owner}/${state.repo}/releases/${release.id}/assets{?name,label}`,
    html_url: `${html}/releases/${tagPath}`,
    id: release.id,
    author: user(api),
    node_id: `RE_kwDOBR${release.id.toString(36)}`,
    tag_name: release.tag,
    target_commitish: `release-${release.tag.replace(/^(\d+\.\d+).*$/, '$1')}`,
    name: `Istio ${release.tag}`,
    draft: release.draft,
    immutable: false,
    prerelease: release.prerelease,
    created_at: release.createdAt,
    updated_at: release.publishedAt ?? release.createdAt,
    published_at: release.publishedAt,
    assets: publishedFiles(state, release.tag).map((file, index) => ({
      url: `${repoApi}/releases/assets/${release.id * 100 + index}`,
      id: release.id * 100 + index,
      node_id: `RA_kwDOBR${(release.id * 100 + index).toString(36)}`,
      name: file.name,
      label: null,
      uploader: user(api),
      content_type: contentType(file.name),
      state: 'uploaded',
      size: file.content.length,
      digest: `sha256:${sha256Hex(file.content)}`,
      download_count: 0,
      created_at: release.createdAt,
      updated_at: release.createdAt,
      browser_download_url: `${host}${state.downloadBasePath}/${release.tag}/${file.name}`,
    })),
    tarball_url: `${repoApi}/tarball/${release.tag}`,
    zipball_url: `${repoApi}/zipball/${release.tag}`,
    body: `Istio ${release.tag}. See https://istio.io/latest/news/releases/ for the release notes.`,
  };
}

const NOT_FOUND = {
  status: 404,
  body: {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name',
    status: '404',
  },
} satisfies EmulatorResponse;

export function registerReleaseRoutes(emulator: GitHubEmulator, state: ReleaseState): void {
  const isRepo = (req: EmulatorRequest) =>
    req.params['owner']?.toLowerCase() === state.owner.toLowerCase() &&
    req.params['repo']?.toLowerCase() === state.repo.toLowerCase();

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/releases',
    operation: { path: '/repos/{owner}/{repo}/releases', method: 'GET' },
    handler: (req) => {
      if (!isRepo(req)) return NOT_FOUND;
      // Drafts are listed, as GitHub lists them to a token with push access: clients must drop them.
      const { page, headers } = paginate(req, listingOrder(state.releases), hostOf(req));
      return { status: 200, headers, body: page.map((r) => releaseJson(state, r, hostOf(req))) };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/repos/{owner}/{repo}/releases/tags/{tag}',
    operation: { path: '/repos/{owner}/{repo}/releases/tags/{tag}', method: 'GET' },
    handler: (req) => {
      const release = isRepo(req)
        ? state.releases.find((r) => !r.draft && r.tag === req.params['tag'])
        : undefined;
      return release ? { status: 200, body: releaseJson(state, release, hostOf(req)) } : NOT_FOUND;
    },
  });

  const serveFile = (tag: string, name: string): EmulatorResponse => {
    const content =
      state.assets.get(`${tag}/${name}`) ??
      (name.endsWith('.sha256') ? checksumFile(state, tag, name.slice(0, -7)) : undefined);
    if (!content) return { status: 404, headers: { 'content-type': 'text/plain' }, raw: 'Not Found' };
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(content.length) },
      raw: content,
    };
  };

  emulator.route({
    method: 'GET',
    template: `${state.downloadBasePath}/{tag}/{asset}`,
    handler: (req) => {
      const tag = req.params['tag']!;
      const name = req.params['asset']!;
      if (!state.redirectDownloads) return serveFile(tag, name);
      const exists = serveFile(tag, name).status === 200;
      if (!exists) return { status: 404, headers: { 'content-type': 'text/plain' }, raw: 'Not Found' };
      // github.com answers with a 302 to short-lived storage; clients must follow it.
      return {
        status: 302,
        headers: { location: `/release-assets/${encodeURIComponent(tag)}/${encodeURIComponent(name)}` },
        raw: '',
      };
    },
  });

  emulator.route({
    method: 'GET',
    template: '/release-assets/{tag}/{asset}',
    handler: (req) => serveFile(req.params['tag']!, req.params['asset']!),
  });
}
