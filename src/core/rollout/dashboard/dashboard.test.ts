import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerChecksAndIssuesRoutes,
  type ChecksAndIssues,
} from '../../../../test/support/github-emulator/checks-issues.js';
import { EmulatedRepository } from '../../../../test/support/github-emulator/git-repo.js';
import { registerPullRoutes } from '../../../../test/support/github-emulator/pulls.js';
import { GitHubEmulator } from '../../../../test/support/github-emulator/server.js';
import { createGitHubClient } from '../../github/client.js';
import { silentLogger } from '../../logger.js';
import type { FleetPlan, WaveStatus } from '../waves/rollout.js';
import { DASHBOARD_TITLE, renderDashboard, upsertDashboard } from './dashboard.js';

const wave = (name: string, extra: Partial<WaveStatus> = {}): WaveStatus => ({
  wave: name,
  clusters: [`clusters/${name}`],
  controlPlane: ['1.30.4'],
  proxies: ['1.30.4'],
  current: '1.30.4',
  target: '1.31.0',
  state: 'waiting',
  message: `Wave ${name} waits.`,
  files: [],
  ...extra,
});

const fleet: FleetPlan = {
  waves: [
    wave('dev', {
      state: 'open',
      pullRequest: { number: 12, url: 'https://x/12' },
      message: 'Wave dev: PR #12 created.',
    }),
    wave('staging', {
      gate: {
        kind: 'wait-soak',
        until: '2026-12-04T11:00:00Z',
        message: 'm',
        pull: { number: 12, url: 'https://x/12' },
      },
      message: "Wave staging waits for the 2d soak of wave dev's #12 (1.31.0) until 2026-12-04T11:00:00Z.",
    }),
    wave('prod', {
      state: 'current',
      target: undefined,
      controlPlane: ['1.31.0'],
      message: 'Wave prod is current.',
    }),
  ],
  shared: [],
  advice: [],
};

describe('the dashboard body', () => {
  it('gives one line per wave with its version, a mermaid diagram, the open PRs and the next steps with PR numbers', () => {
    const body = renderDashboard(fleet);
    expect(body.split('\n').filter((l) => /^- \*\*/.test(l))).toEqual([
      '- **dev** 1.30.4 → 1.31.0: Wave dev: PR #12 created.',
      "- **staging** 1.30.4 → 1.31.0: Wave staging waits for the 2d soak of wave dev's #12 (1.31.0) until 2026-12-04T11:00:00Z.",
      '- **prod** 1.31.0: Wave prod is current.',
    ]);
    expect(body).toMatch(/```mermaid\nflowchart LR\n {2}w0\["dev<br\/>1\.30\.4 → 1\.31\.0<br\/>PR #12"\]/);
    expect(body).toContain('  w0 --> w1');
    expect(body).toContain('- #12 wave dev: control plane 1.30.4 → 1.31.0');
    expect(body).toContain('| staging | open its PR once #12 has soaked | 2026-12-04T11:00:00Z |');
  });

  it("stays under GitHub's 65536-character issue body limit for a large fleet", () => {
    const big: FleetPlan = {
      ...fleet,
      waves: Array.from({ length: 40 }, (_, i) =>
        wave(`wave-${i}`, {
          clusters: Array.from({ length: 60 }, (_, c) => `clusters/region-${i}/cluster-${c}`),
        }),
      ),
    };
    const body = renderDashboard(big);
    expect(body.length).toBeLessThan(65536);
    expect(body).toContain('```mermaid');
    expect(body).toMatch(/more lines left out/);
  });
});

describe('the dashboard issue', () => {
  let emulator: GitHubEmulator;
  let repo: EmulatedRepository;
  let store: ChecksAndIssues;
  const person = { login: 'mesh-admin', id: 4242, type: 'User' as const };
  const octokit = () => createGitHubClient({ token: 'ghs_x', apiUrl: emulator.url, retries: 0 });
  const upsert = (plan: FleetPlan) =>
    upsertDashboard(octokit(), { owner: 'o', repo: 'r', fleet: plan, logger: silentLogger });

  beforeAll(async () => {
    repo = await EmulatedRepository.create('o', 'r');
    emulator = await new GitHubEmulator().start();
    registerPullRoutes(emulator, repo);
    store = registerChecksAndIssuesRoutes(emulator, repo);
  });
  afterAll(async () => {
    await emulator.stop();
    repo.remove();
    expect(emulator.schemaViolations).toEqual([]);
  });

  it("is created once, then updated in place, and people's look-alikes are never touched", async () => {
    // A person's issue with the same title and even the bot's marker copied into it.
    const lookalike = store.addIssue({
      title: DASHBOARD_TITLE,
      body: `${renderDashboard(fleet)}\nmy notes`,
      user: person,
    });
    const first = await upsert(fleet);
    expect(first.operation).toBe('created');
    expect(first.number).not.toBe(lookalike.number);
    expect(await upsert(fleet)).toMatchObject({ number: first.number, operation: 'unchanged' });
    const later = { ...fleet, waves: fleet.waves.map((w) => ({ ...w, message: `${w.message} (later)` })) };
    expect(await upsert(later)).toMatchObject({ number: first.number, operation: 'updated' });
    const dashboards = store.issues.filter((i) => i.title === DASHBOARD_TITLE);
    expect(dashboards).toHaveLength(2);
    expect(dashboards.filter((i) => i.state === 'open')).toHaveLength(2);
    expect(lookalike.body).toContain('my notes');
    expect(store.issues.find((i) => i.number === first.number)!.body).toContain('(later)');
  });

  it("with a person's token, keeps that person's one dashboard and leaves the bot's and others' alone", async () => {
    const owner = { login: 'platform-bot-user', id: 777, type: 'User' as const };
    repo.tokenUsers.set('ghp_person', owner);
    const client = createGitHubClient({ token: 'ghp_person', apiUrl: emulator.url, retries: 0 });
    const run = () => upsertDashboard(client, { owner: 'o', repo: 'r', fleet, logger: silentLogger });
    const first = await run();
    expect(first.operation).toBe('created');
    expect(await run()).toMatchObject({ number: first.number, operation: 'unchanged' });
    const mine = store.issues.filter((i) => i.user.login === owner.login);
    expect(mine).toHaveLength(1);
  });
});
