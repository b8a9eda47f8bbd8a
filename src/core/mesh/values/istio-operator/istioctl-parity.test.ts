// The merged IstioOperator values against what the real istioctl (1.30.4 and 1.31.0) renders from
// the same file.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { realIstioctl } from '../../../../../test/support/istioctl.js';
import { fixtureObjects, noFiles } from '../__fixtures__/objects.js';
import { findIstioOperators } from './find.js';

const directory = new URL('./__fixtures__/', import.meta.url);

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: { image: string }[] } } };
}

const renders = new Map<string, Rendered[]>();

/** One `istioctl manifest generate -f` per binary and fixture, shared by the tests that read it. */
function manifestGenerate(binary: string, file: string): Rendered[] {
  const cached = renders.get(`${binary} ${file}`);
  if (cached) return cached;
  const path = fileURLToPath(new URL(file, directory));
  const output = execFileSync(binary, ['manifest', 'generate', '-f', path], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const rendered = parseAllDocuments(output)
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null && typeof d === 'object');
  renders.set(`${binary} ${file}`, rendered);
  return rendered;
}

for (const which of ['old', 'new'] as const) {
  const istioctl = realIstioctl(which);
  const binary = 'skip' in istioctl ? '' : istioctl.binary;

  describe.skipIf('skip' in istioctl)(
    `istio-operator values match istioctl ${which} manifest generate`,
    () => {
      it('has the revision, hub, tag, proxy values and meshConfig istioctl renders for istiod', async () => {
        const rendered = manifestGenerate(binary, 'iop.yaml');
        const [istiod] = (
          await findIstioOperators({ objects: fixtureObjects(directory, 'iop.yaml'), readFile: noFiles })
        ).filter((d) => d.component === 'istiod');
        const injector = rendered.find(
          (r) => r.kind === 'ConfigMap' && r.metadata.name === `istio-sidecar-injector-${istiod!.revision}`,
        );
        const values = JSON.parse(injector!.data!.values!) as {
          revision: string;
          global: Record<string, unknown>;
          pilot: Record<string, unknown>;
        };
        expect(values.revision).toBe(istiod!.revision);
        expect(values.global).toMatchObject(istiod!.values.global as Record<string, unknown>);
        const mesh = rendered.find(
          (r) => r.kind === 'ConfigMap' && r.metadata.name === `istio-${istiod!.revision}`,
        );
        expect(parse(mesh!.data!.mesh!)).toMatchObject(istiod!.meshConfig!);
      });

      it('renders the gateways we declare, in the namespaces we give them', async () => {
        const rendered = manifestGenerate(binary, 'iop.yaml');
        const declared = (
          await findIstioOperators({ objects: fixtureObjects(directory, 'iop.yaml'), readFile: noFiles })
        ).filter((d) => d.component === 'gateway');
        const gateways = rendered.filter(
          (r) => r.kind === 'Deployment' && r.metadata.name !== 'istiod-1-24-2',
        );
        expect(gateways.map((g) => [g.metadata.name, g.metadata.namespace]).sort()).toEqual(
          declared
            .map((d) => [
              Object.values(d.values.gateways as Record<string, { name?: string }>).find((g) => g.name)!.name,
              d.namespace,
            ])
            .sort(),
        );
      });

      it('lets spec.values.global.tag win over spec.tag, as the pilot image shows', async () => {
        const rendered = parseAllDocuments(
          execFileSync(binary, ['manifest', 'generate', '-f', '-'], {
            encoding: 'utf8',
            timeout: 120_000,
            maxBuffer: 64 * 1024 * 1024,
            input:
              'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.24.1\n  values:\n    global:\n      tag: 1.24.2\n',
          }),
        ).map((d) => d.toJS() as Rendered);
        const pilot = rendered.find((r) => r?.kind === 'Deployment' && r.metadata.name === 'istiod');
        const [declared] = (
          await findIstioOperators({
            objects: [
              {
                apiVersion: 'install.istio.io/v1alpha1',
                kind: 'IstioOperator',
                name: '',
                object: { spec: { tag: '1.24.1', values: { global: { tag: '1.24.2' } } } },
              },
            ],
            readFile: noFiles,
          })
        ).filter((d) => d.component === 'istiod');
        expect(pilot!.spec!.template!.spec!.containers![0]!.image).toBe(
          `docker.io/istio/pilot:${declared!.version}`,
        );
      });
    },
  );
}
