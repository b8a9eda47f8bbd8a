// The istioctl runner against the real binaries: version, kube-inject error paths, and the 1.28+ revision rule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IstioctlError } from '../../src/core/errors.js';
import {
  generateOfflineInjectConfig,
  type OfflineInjectConfig,
} from '../../src/core/istioctl/offline-config.js';
import { runIstioctlProcess } from '../../src/core/istioctl/process.js';
import {
  istioctlVersion,
  kubeInject,
  kubeInjectArgs,
  manifestGenerate,
} from '../../src/core/istioctl/runner.js';
import { injectNeedsRevisionFlag } from '../../src/core/istioctl/version-rules.js';
import { realIstioctlPair, type IstioctlArtifacts } from '../support/istioctl.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`istioctl runner conformance skipped: ${skip}`);
const binaries: IstioctlArtifacts[] = 'skip' in pair ? [] : [pair.old, pair.new];

const work = mkdtempSync(join(tmpdir(), 'istioctl-runner-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// No cluster anywhere: a call that tries to reach one must fail here, not find a developer's cluster.
const NO_CLUSTER = { KUBECONFIG: join(work, 'no-kubeconfig'), KUBERNETES_SERVICE_HOST: undefined };

describe.skipIf(skip !== undefined)('istioctl runner with real istioctl', () => {
  describe.each(binaries.map((binary) => ({ version: binary.version, binary })))(
    'istioctl $version',
    ({ version, binary }) => {
      let config: OfflineInjectConfig;
      beforeAll(async () => {
        config = await generateOfflineInjectConfig({ binary: binary.binary, outputDir: join(work, version) });
      });

      it('reads the version the binary reports', async () => {
        expect(await istioctlVersion(binary.binary)).toBe(version);
      });

      it('turns unparseable input into an IstioctlError with istioctl’s reason', async () => {
        const input = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n';
        await expect(kubeInject({ ...config, input, env: NO_CLUSTER })).rejects.toThrow(IstioctlError);
        await expect(kubeInject({ ...config, input, env: NO_CLUSTER })).rejects.toThrow(/yaml: line 3/);
      });

      it('passes unknown kinds through with their comments', async () => {
        const input = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w # keep me\n';
        const result = await kubeInject({ ...config, input, env: NO_CLUSTER });
        expect(result.output).toBe(`${input}---\n`);
        expect(result.skipped).toEqual([]);
      });

      it('reports a manifest generate failure with istioctl’s message', async () => {
        await expect(
          manifestGenerate({ binary: binary.binary, files: [join(work, 'missing.yaml')] }),
        ).rejects.toThrow(/manifest generate .* exited with code 1: .*missing\.yaml/s);
      });

      it.runIf(injectNeedsRevisionFlag(version))(
        'needs --revision offline: without it istioctl waits for a cluster',
        async () => {
          const args = kubeInjectArgs({ ...config }).filter(
            (a, i, all) => a !== '--revision' && all[i - 1] !== '--revision',
          );
          expect(args).not.toContain('--revision');
          const input =
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n';
          await expect(
            runIstioctlProcess(binary.binary, args, { stdin: input, env: NO_CLUSTER, timeoutMs: 5_000 }),
          ).rejects.toThrow(/timed out/);
          // The same call with the revision the rules add finishes.
          const injected = await kubeInject({ ...config, input, env: NO_CLUSTER, timeoutMs: 30_000 });
          expect(injected.output).toContain('istio-proxy');
        },
      );
    },
  );
});
