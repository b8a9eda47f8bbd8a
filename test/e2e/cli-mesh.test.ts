// The CLI over the mesh model, as a user runs it on a repo laid out like the talk's.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realIstioctl } from '../support/istioctl.js';
import { REPO_ROOT } from '../support/runner.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const MESH = join(REPO_ROOT, 'test/fixtures/mesh');
const istioctl = realIstioctl('new');

async function cli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

describe('istio-autopilot over the mesh model', () => {
  it('plan shows the sidecars that live in patches, with their version, and no Flux controller', async () => {
    const run = await cli(['plan', '--repo', join(MESH, 'talk'), '--offline']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('cluster clusters/production');
    expect(run.stdout).toContain('control plane revision default: 1.19.3');
    expect(run.stdout).toContain('workloads: 2\n    2 × classic sidecar 1.18.5 (patch, revision default)');
    expect(run.stdout).not.toMatch(/controller/);
  });

  it('plan --json carries the model per cluster, the same on every run', async () => {
    const first = await cli(['plan', '--repo', join(MESH, 'talk'), '--offline', '--json']);
    const second = await cli(['plan', '--repo', join(MESH, 'talk'), '--offline', '--json']);
    expect(first.stdout).toBe(second.stdout);
    const { mesh } = JSON.parse(first.stdout) as {
      mesh: { clusters: { name: string; workloads: unknown }[] };
    };
    expect(mesh.clusters.map((c) => [c.name, c.workloads])).toEqual([
      [
        'clusters/production',
        {
          total: 2,
          sidecars: [{ state: 'classic', version: '1.18.5', origin: 'patch', revision: 'default', count: 2 }],
        },
      ],
    ]);
  });

  it.skipIf('skip' in istioctl)(
    'analyze without paths finds every invariant by code and file in the rendered roots',
    async () => {
      const binary = 'skip' in istioctl ? '' : istioctl.binary;
      const run = await cli([
        'analyze',
        '--repo',
        join(MESH, 'invariants/failing'),
        '--istioctl',
        binary,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(3);
      const { findings } = JSON.parse(run.stdout) as {
        findings: { code: string; file?: string; line?: number; message: string }[];
      };
      const mesh = findings
        .filter((f) => f.code.startsWith('MESH'))
        .map((f) => `${f.code} ${f.file}:${f.line}`);
      expect(mesh).toEqual(
        expect.arrayContaining([
          'MESH001 double-sidecar.yaml:6',
          'MESH002 workloads.yaml:41',
          'MESH003 workloads.yaml:62',
          'MESH004 control-plane.yaml:9',
          'MESH005 namespaces.yaml:21',
          'MESH006 namespaces.yaml:13',
        ]),
      );
      for (const f of findings) expect(typeof f.message).toBe('string');
    },
  );
});
