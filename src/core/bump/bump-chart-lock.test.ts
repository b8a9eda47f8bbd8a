// An umbrella chart's Chart.lock follows its bumped Chart.yaml, checked with the real helm: the lock
// helm wrote for 1.30.4 is edited so that `helm dependency build` fetches 1.31.0 without complaint,
// from a chart repository served on loopback. Skips with a reason when helm is not installed.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHelm } from '../mesh/values/__fixtures__/helm.js';
import type { Logger } from '../logger.js';
import { bumpIstioVersion } from './bump.js';

const helm = findHelm();
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'chart-lock-'));
let server: Server | undefined;
let repoUrl = '';

function helmEnv(): NodeJS.ProcessEnv {
  const home = join(work, 'helm-home');
  return {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
}

async function runHelm(...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(helm!, args, { env: helmEnv(), timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A chart repository with istiod 1.30.4 and 1.31.0, packaged and indexed by helm itself. */
async function serveIstiodCharts(): Promise<void> {
  const served = join(work, 'served');
  mkdirSync(served, { recursive: true });
  for (const version of ['1.30.4', '1.31.0']) {
    const chart = join(work, 'src', version, 'istiod');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: istiod\nversion: ${version}\n`);
    writeFileSync(
      join(chart, 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    );
    expect((await runHelm('package', chart, '--destination', served)).ok).toBe(true);
  }
  server = createServer((request, response) => {
    const file = join(served, (request.url ?? '/').replace(/^\/+/, ''));
    if (!existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  expect((await runHelm('repo', 'index', served, '--url', repoUrl)).ok).toBe(true);
  // `dependency build` downloads only from repositories helm knows, as a chart CI would have added.
  expect((await runHelm('repo', 'add', 'istio-local', repoUrl)).ok).toBe(true);
}

beforeAll(async () => {
  if (helm) await serveIstiodCharts();
}, 120_000);
afterAll(() => {
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

const chartYaml = (url: string) => `apiVersion: v2
name: mesh
version: 0.1.0
dependencies:
  # the control plane
  - name: istiod
    version: "1.30.4"
    repository: ${url}
`;

/** A workspace whose umbrella chart has a Chart.lock written by `helm dependency update`. */
async function lockedWorkspace(name: string): Promise<string> {
  const root = join(work, name);
  const chart = join(root, 'charts', 'mesh');
  mkdirSync(chart, { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), chartYaml(repoUrl));
  const update = await runHelm('dependency', 'update', chart);
  expect(update.ok, update.output).toBe(true);
  // Repos commit the lock, not the downloaded archives.
  rmSync(join(chart, 'charts'), { recursive: true, force: true });
  return root;
}

/** Keeps the warnings about lock files (a bare workspace also warns about default globs that match nothing). */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => undefined,
    notice: () => undefined,
    debug: () => undefined,
    warning: (message) => void (message.includes('Chart.lock') && warnings.push(message)),
  };
}

describe.skipIf(!helm)('a bump keeps an umbrella chart’s Chart.lock usable by helm', () => {
  it('moves the locked version and digest so `helm dependency build` fetches the target', async () => {
    const root = await lockedWorkspace('bumped');
    const lockFile = join(root, 'charts', 'mesh', 'Chart.lock');
    const lockBefore = readFileSync(lockFile, 'utf8');
    const logger = recordingLogger();
    const result = bumpIstioVersion({ root, target: { version: '1.31.0' }, logger });
    expect(result.changedFiles).toEqual(['charts/mesh/Chart.lock', 'charts/mesh/Chart.yaml']);
    expect(logger.warnings).toEqual([]);
    const lockAfter = readFileSync(lockFile, 'utf8');
    // Only the version and the digest change; `generated` and the layout stay as helm wrote them.
    const changed = lockAfter.split('\n').filter((line, i) => line !== lockBefore.split('\n')[i]);
    expect(changed).toHaveLength(2);
    expect(changed[0]).toMatch(/^ {2}version: 1\.31\.0$/);
    expect(changed[1]).toMatch(/^digest: sha256:[0-9a-f]{64}$/);
    const build = await runHelm('dependency', 'build', join(root, 'charts', 'mesh'));
    expect(build.ok, build.output).toBe(true);
    expect(existsSync(join(root, 'charts', 'mesh', 'charts', 'istiod-1.31.0.tgz'))).toBe(true);
  }, 120_000);

  it('shows the check can fail: the old lock beside the bumped Chart.yaml is refused by helm', async () => {
    const root = await lockedWorkspace('stale');
    const lockFile = join(root, 'charts', 'mesh', 'Chart.lock');
    const lockBefore = readFileSync(lockFile);
    bumpIstioVersion({ root, target: { version: '1.31.0' } });
    writeFileSync(lockFile, lockBefore);
    const build = await runHelm('dependency', 'build', join(root, 'charts', 'mesh'));
    expect(build.ok).toBe(false);
    expect(build.output).toContain('out of sync');
  }, 120_000);

  it('leaves a lock that was already out of sync alone and says what to run', async () => {
    const root = await lockedWorkspace('drifted');
    const lockFile = join(root, 'charts', 'mesh', 'Chart.lock');
    const drifted = readFileSync(lockFile, 'utf8').replace(
      /digest: sha256:[0-9a-f]+/,
      `digest: sha256:${'0'.repeat(64)}`,
    );
    writeFileSync(lockFile, drifted);
    const logger = recordingLogger();
    const result = bumpIstioVersion({ root, target: { version: '1.31.0' }, logger });
    expect(result.changedFiles).toEqual(['charts/mesh/Chart.yaml']);
    expect(readFileSync(lockFile, 'utf8')).toBe(drifted);
    expect(logger.warnings).toEqual([expect.stringContaining('charts/mesh/Chart.lock was left as it is')]);
    expect(logger.warnings[0]).toContain('helm dependency update charts/mesh');
  }, 120_000);

  it('changes nothing in a lock whose Chart.yaml the bump does not touch', async () => {
    const root = await lockedWorkspace('untouched');
    cpSync(join(root, 'charts', 'mesh'), join(root, 'charts', 'copy'), { recursive: true });
    const result = bumpIstioVersion({ root, target: { version: '1.30.4' } });
    expect(result.changedFiles).toEqual([]);
  }, 120_000);
});
