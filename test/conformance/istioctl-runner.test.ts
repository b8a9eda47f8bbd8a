// The istioctl runner against the real binaries: version, kube-inject error paths, and the 1.28+ revision rule.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
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
const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n';
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

      it('injects from an IstioOperator file alone when it carries complete values and meshConfig', async () => {
        const operator = {
          apiVersion: 'install.istio.io/v1alpha1',
          kind: 'IstioOperator',
          spec: {
            values: JSON.parse(readFileSync(config.valuesFile, 'utf8')) as unknown,
            meshConfig: {
              ...(parseYaml(readFileSync(config.meshConfigFile, 'utf8')) as object),
              accessLogFile: '/dev/stdout',
            },
          },
        };
        const operatorFile = join(work, `iop-${version}.yaml`);
        writeFileSync(operatorFile, stringifyYaml(operator));
        const injected = await kubeInject({
          binary: binary.binary,
          version,
          injectConfigFile: config.injectConfigFile,
          operatorFile,
          input: POD,
        });
        expect(injected.output).toContain(`image: docker.io/istio/proxyv2:${version}`);
      });

      it('replaces, not merges, the values file with the IstioOperator values (a partial one breaks injection)', async () => {
        const operatorFile = join(work, `iop-mesh-only-${version}.yaml`);
        writeFileSync(
          operatorFile,
          'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    accessLogFile: /dev/stdout\n',
        );
        await expect(kubeInject({ ...config, operatorFile, input: POD })).rejects.toThrow(
          /failed to run injection template/,
        );
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

  describe('with a cluster in the kubeconfig', () => {
    const requests: string[] = [];
    let server: Server;
    let kubeconfig: string;
    beforeAll(async () => {
      // A stand-in API server that would hand out a mesh ConfigMap to anyone who asks.
      server = createServer((request, response) => {
        requests.push(`${request.method} ${request.url}`);
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'istio', namespace: 'istio-system' },
            data: { mesh: 'accessLogFile: /from/the/cluster\n' },
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      kubeconfig = join(work, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        stringifyYaml({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'stand-in', cluster: { server: `http://127.0.0.1:${port}` } }],
          contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'nobody' } }],
          users: [{ name: 'nobody', user: {} }],
          'current-context': 'stand-in',
        }),
      );
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('never reads it: an IstioOperator without meshConfig fails instead of using the cluster', async () => {
      const binary = binaries[binaries.length - 1]!;
      const config = await generateOfflineInjectConfig({
        binary: binary.binary,
        outputDir: join(work, 'cluster'),
      });
      const operatorFile = join(work, 'iop-values-only.yaml');
      const operator = {
        kind: 'IstioOperator',
        spec: { values: JSON.parse(readFileSync(config.valuesFile, 'utf8')) as unknown },
      };
      writeFileSync(operatorFile, stringifyYaml({ apiVersion: 'install.istio.io/v1alpha1', ...operator }));
      const options = {
        binary: binary.binary,
        version: binary.version,
        injectConfigFile: config.injectConfigFile,
        operatorFile,
      };

      // Plain istioctl with this kubeconfig quietly takes the mesh config from the cluster...
      const leaked = await runIstioctlProcess(binary.binary, kubeInjectArgs(options), {
        stdin: POD,
        env: { KUBECONFIG: kubeconfig },
      });
      expect(leaked.exitCode).toBe(0);
      expect(requests.some((r) => r.includes('/configmaps/istio'))).toBe(true);

      // ...the runner does not, even with KUBECONFIG in its own environment.
      requests.length = 0;
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = kubeconfig;
      try {
        await expect(kubeInject({ ...options, input: POD })).rejects.toThrow(/configmap "istio"/);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = saved;
      }
      expect(requests).toEqual([]);
    });
  });
});
