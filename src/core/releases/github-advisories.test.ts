import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAdvisoryState,
  registerAdvisoryRoutes,
  type AdvisoryState,
} from '../../../test/support/github-emulator/advisories.js';
import { GitHubEmulator } from '../../../test/support/github-emulator/server.js';
import { NetworkError } from '../errors.js';
import { createGitHubClient } from '../github/client.js';
import { isAffected } from './__fixtures__/advisory-match.js';
import { listIstioGitHubAdvisories, releaseRange } from './github-advisories.js';

let emulator: GitHubEmulator;
let state: AdvisoryState;

beforeEach(async () => {
  emulator = await new GitHubEmulator().start();
  state = createAdvisoryState();
  registerAdvisoryRoutes(emulator, state);
});

afterEach(async () => {
  expect(emulator.schemaViolations).toEqual([]);
  await emulator.stop();
});

const client = () => createGitHubClient({ apiUrl: emulator.url, token: 'test-token', retries: 0 });

describe('listIstioGitHubAdvisories', () => {
  it('asks for reviewed go advisories of istio.io/istio and keeps only Istio ones, withdrawn dropped', async () => {
    const advisories = await listIstioGitHubAdvisories(client());
    const query = new URL(emulator.requests[0]!.path, emulator.url).searchParams;
    expect(query.get('ecosystem')).toBe('go');
    expect(query.get('affects')).toBe('istio.io/istio');
    expect(query.get('type')).toBe('reviewed');
    expect(advisories.map((a) => a.id).sort()).toEqual([
      'GHSA-7q2w-9mpf-3c4h',
      'GHSA-856q-xv3c-7f2f',
      'GHSA-fgw5-hp8f-xfhc',
      'GHSA-hqxw-mm44-gc4r',
    ]);
  });

  it('follows the cursor pages', async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({
      ...state.advisories[0]!,
      ghsaId: `GHSA-${String(i).padStart(4, '0')}-aaaa-bbbb`,
      publishedAt: new Date(Date.UTC(2022, 0, 1) + i * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    }));
    state.advisories.push(...many);
    const advisories = await listIstioGitHubAdvisories(client());
    expect(advisories).toHaveLength(234);
    expect(emulator.requests).toHaveLength(3);
    expect(emulator.requests[1]!.path).toMatch(/after=/);
  });

  it('reads release-number ranges and ignores pseudo-version ones', async () => {
    const advisories = await listIstioGitHubAdvisories(client());
    const old = advisories.find((a) => a.id === 'GHSA-856q-xv3c-7f2f')!;
    expect(old.affected).toBe('>=1.13.0 <1.13.1 || >=1.12.0 <1.12.4 || <1.11.7');
    expect(old.fixed).toEqual(['1.13.1', '1.12.4', '1.11.7']);
    expect(old.cves).toEqual(['CVE-2022-23635']);
    expect([isAffected('1.13.0', old), isAffected('1.13.1', old), isAffected('1.11.6', old)]).toEqual([
      true,
      false,
      true,
    ]);
    const pseudo = advisories.find((a) => a.id === 'GHSA-fgw5-hp8f-xfhc')!;
    expect(pseudo.affected).toBeUndefined();
    expect(pseudo.fixed).toEqual([]);
  });

  it('explains a failure as a NetworkError', async () => {
    emulator.injectFault('/advisories', { kind: 'status', status: 503 });
    await expect(listIstioGitHubAdvisories(client())).rejects.toThrow(NetworkError);
  });
});

describe('releaseRange', () => {
  it.each([
    ['>= 1.12.0, < 1.12.4', '>=1.12.0 <1.12.4'],
    ['< 1.11.7', '<1.11.7'],
    ['= 1.2.3', '1.2.3'],
    ['<= v1.9.2', '<=1.9.2'],
    ['< 0.0.0-20260410004459-189832a289c1', undefined],
    ['>= 0.0.0-20241024090207-0bf27d49ba4b, < 0.0.0-20260403004500-692e460c342d', undefined],
    ['whatever', undefined],
  ])('%s -> %s', (text, range) => {
    expect(releaseRange(text)).toBe(range);
  });
});
