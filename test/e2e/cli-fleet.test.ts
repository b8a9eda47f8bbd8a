// `istio-autopilot plan` on the three-wave fleet repo, through the committed CLI bundle, offline:
// the fleet view names every wave with its cluster, version, and what the next run would do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/runner.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const FLEET = join(REPO_ROOT, 'test/fixtures/fleet-waves');

function plan(...args: string[]) {
  return spawnSync(process.execPath, [CLI, 'plan', '--repo', FLEET, '--offline', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'cli-home-')) },
  });
}

describe('istio-autopilot plan with waves', () => {
  it('prints the fleet view: waves, clusters, versions and the next step of each', () => {
    const result = plan();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('fleet (3 waves): the next run goes wave by wave, one PR per wave:');
    // The fleet view replaces the single-PR section, whose PR would never open with waves.
    expect(result.stdout).not.toContain('Next:');
    expect(result.stdout).not.toMatch(/^ {2}now: /m);
    expect(result.stdout).toMatch(/ {2}dev: control plane 1\.30\.4 → 1\.30\.\d+/);
    expect(result.stdout).toContain('    clusters: clusters/staging');
    expect(result.stdout).toMatch(/next run: Wave dev opens its control plane PR/);
    expect(result.stdout).toMatch(/next run: Wave prod .* gated on wave staging's PR/);
  });

  it('gives the same fleet as JSON', () => {
    const result = plan('--json');
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      fleet: { waves: { wave: string; clusters: string[]; state: string }[] };
    } & Record<string, unknown>;
    expect(json).not.toHaveProperty('step');
    expect(json).not.toHaveProperty('pullRequests');
    expect(json).toHaveProperty('pins');
    expect(json.fleet.waves.map((w) => [w.wave, w.clusters, w.state])).toEqual([
      ['dev', ['clusters/dev'], 'open'],
      ['staging', ['clusters/staging'], 'waiting'],
      ['prod', ['clusters/prod'], 'waiting'],
    ]);
  });
});
