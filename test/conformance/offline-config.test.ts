// generateOfflineInjectConfig against the real istioctl at both pinned versions: files, revision, values, native sidecars.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError, IstioctlError } from '../../src/core/errors.js';
import { generateOfflineInjectConfig, OFFLINE_FILE_NAMES } from '../../src/core/istioctl/offline-config.js';
import { kubeInject } from '../../src/core/istioctl/runner.js';
import { realIstioctlPair, type IstioctlArtifacts } from '../support/istioctl.js';

const pair = realIstioctlPair();
const skip = 'skip' in pair ? pair.skip : undefined;
if (skip) console.log(`offline inject config conformance skipped: ${skip}`);
const binaries: IstioctlArtifacts[] = 'skip' in pair ? [] : [pair.old, pair.new];

const work = mkdtempSync(join(tmpdir(), 'offline-config-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const dir = (): string => join(work, `out-${++counter}`);
function file(name: string, content: string): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx\n';

describe.skipIf(skip !== undefined)('offline inject config from real istioctl', () => {
  describe.each(binaries.map((binary) => ({ version: binary.version, binary })))(
    'istioctl $version',
    ({ version, binary }) => {
      it('writes the injector template, values and mesh config of the default revision', async () => {
        const outputDir = dir();
        const config = await generateOfflineInjectConfig({ binary: binary.binary, outputDir });
        expect(config.version).toBe(version);
        expect(config.revision).toBeUndefined();
        expect(readdirSync(outputDir).sort()).toEqual(Object.values(OFFLINE_FILE_NAMES).sort());
        const template = parseYaml(readFileSync(config.injectConfigFile, 'utf8')) as {
          templates?: Record<string, string>;
        };
        expect(Object.keys(template.templates ?? {})).toContain('sidecar');
        const values = JSON.parse(readFileSync(config.valuesFile, 'utf8')) as {
          global: { tag: string; hub: string };
        };
        expect(values.global).toMatchObject({ hub: 'docker.io/istio', tag: version });
        const mesh = parseYaml(readFileSync(config.meshConfigFile, 'utf8')) as { defaultConfig?: unknown };
        expect(mesh.defaultConfig).toBeDefined();
        expect(config.proxyImage).toBe(`docker.io/istio/proxyv2:${version}`);
        expect(config.nativeSidecars).toBe(false);
      });

      it('renders a named revision into ConfigMaps of that revision', async () => {
        const config = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          revision: 'canary',
        });
        expect(config.revision).toBe('canary');
        expect(JSON.parse(readFileSync(config.valuesFile, 'utf8'))).toMatchObject({ revision: 'canary' });
      });
    },
  );

  describe.each(binaries.slice(-1).map((binary) => ({ version: binary.version, binary })))(
    'istioctl $version with user files',
    ({ binary }) => {
      it('applies a Helm values file to values and mesh config, and injection follows it', async () => {
        const valuesFile = file(
          'values.yaml',
          'global:\n  hub: mirror.example.com/istio\n  proxy:\n    resources:\n      requests:\n        cpu: 11m\nmeshConfig:\n  accessLogFile: /dev/stdout\n',
        );
        const config = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          valuesFile,
        });
        expect(config.proxyImage).toBe(`mirror.example.com/istio/proxyv2:${binary.version}`);
        expect(parseYaml(readFileSync(config.meshConfigFile, 'utf8'))).toMatchObject({
          accessLogFile: '/dev/stdout',
        });
        const injected = await kubeInject({ ...config, input: POD });
        expect(injected.output).toContain(`image: mirror.example.com/istio/proxyv2:${binary.version}`);
        expect(injected.output).toContain('cpu: 11m');
      });

      it('overlays the IstioOperator file after the values file', async () => {
        const valuesFile = file('values-log.yaml', 'meshConfig:\n  accessLogFile: /dev/stdout\n');
        const operatorFile = file(
          'iop.yaml',
          'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    accessLogFile: /var/log/access.log\n',
        );
        const config = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          valuesFile,
          operatorFile,
        });
        expect(parseYaml(readFileSync(config.meshConfigFile, 'utf8'))).toMatchObject({
          accessLogFile: '/var/log/access.log',
        });
      });

      it('reports the revision the values file sets, and lets a requested revision win over it', async () => {
        const valuesFile = file('values-rev.yaml', 'revision: from-values\n');
        const fromFile = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          valuesFile,
        });
        expect(fromFile.revision).toBe('from-values');
        const requested = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          valuesFile,
          revision: 'wanted',
        });
        expect(requested.revision).toBe('wanted');
        const injected = await kubeInject({ ...requested, input: POD });
        expect(injected.output).toContain('"revision":"wanted"');
      });

      it('chooses native sidecars like the webhook in auto mode, and follows an explicit control plane setting', async () => {
        const on = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          nativeSidecars: 'auto',
          kubernetesVersion: '1.33',
        });
        expect(on.nativeSidecars).toBe(true);
        const old = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          nativeSidecars: 'auto',
          kubernetesVersion: '1.32',
        });
        expect(old.nativeSidecars).toBe(false);
        // The 1.26 compatibility profile pins ENABLE_NATIVE_SIDECARS=false on istiod.
        const valuesFile = file('values-compat.yaml', 'compatibilityVersion: "1.26"\n');
        const pinned = await generateOfflineInjectConfig({
          binary: binary.binary,
          outputDir: dir(),
          valuesFile,
          nativeSidecars: 'auto',
          kubernetesVersion: '1.34',
        });
        expect(pinned.nativeSidecars).toBe(false);
        expect(pinned.nativeSidecarsReason).toContain('ENABLE_NATIVE_SIDECARS=false');
        await expect(
          generateOfflineInjectConfig({ binary: binary.binary, outputDir: dir(), nativeSidecars: 'auto' }),
        ).rejects.toThrow(InvalidInputError);
      });

      it('rejects an IstioOperator given as the values file, and surfaces istioctl errors', async () => {
        const operatorAsValues = file(
          'iop-as-values.yaml',
          'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n',
        );
        await expect(
          generateOfflineInjectConfig({
            binary: binary.binary,
            outputDir: dir(),
            valuesFile: operatorAsValues,
          }),
        ).rejects.toThrow(InvalidInputError);
        const unknownKey = file('values-bad.yaml', 'global:\n  notAnIstioValue: 1\n');
        await expect(
          generateOfflineInjectConfig({ binary: binary.binary, outputDir: dir(), valuesFile: unknownKey }),
        ).rejects.toThrow(IstioctlError);
        await expect(
          generateOfflineInjectConfig({ binary: binary.binary, outputDir: dir(), valuesFile: unknownKey }),
        ).rejects.toThrow(/notAnIstioValue/);
      });

      it('renders nothing to inject with when the profile has no istiod', async () => {
        const operatorFile = file(
          'empty.yaml',
          'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: empty\n',
        );
        await expect(
          generateOfflineInjectConfig({ binary: binary.binary, outputDir: dir(), operatorFile }),
        ).rejects.toThrow(/rendered 0 sidecar injector ConfigMaps/);
      });
    },
  );
});
