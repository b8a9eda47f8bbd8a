import { describe, expect, it } from 'vitest';
import { versionOnlyChanges } from '../__fixtures__/byte-diff.js';
import { bumpInMemory, fixtures, summarise } from '../__fixtures__/harness.js';
import { extractPins } from '../engine.js';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import { fluxHelmReleaseKind } from './index.js';

const directory = new URL('./__fixtures__/', import.meta.url);
const kinds = [fluxHelmReleaseKind];

/** The seed's layout: a ConfigMap, a Flux Kustomization pointing at it, three HelmReleases under its path. */
function seedLayout() {
  const [configMap, kustomization, releases] = fixtures(
    directory,
    'istio-version.yaml',
    'kustomization.yaml',
    'helmreleases.yaml',
  );
  return [
    { ...configMap!, path: 'clusters/prod/istio-version.yaml' },
    { ...kustomization!, path: 'clusters/prod/istio.yaml' },
    { ...releases!, path: 'infrastructure/istio/releases.yaml' },
  ];
}

describe('flux-helmrelease pins', () => {
  it('follows ${istio_version} of three HelmReleases to ONE pin in the ConfigMap', () => {
    const { pins } = extractPins({ files: seedLayout() }, { kinds });
    expect(summarise(pins)).toEqual([
      'clusters/prod/istio-version.yaml:8:19 1.24.2 plain double control-plane',
    ]);
    expect(pins[0]!.location).toBe('ConfigMap istio-version data.istio_version');
    expect(pins[0]!.usedBy).toEqual([
      'infrastructure/istio/releases.yaml:12',
      'infrastructure/istio/releases.yaml:26',
      'infrastructure/istio/releases.yaml:38',
    ]);
  });

  it('makes one edit, in the ConfigMap, and leaves the HelmReleases untouched', () => {
    const { before, after } = bumpInMemory(seedLayout(), '1.25.0', { kinds });
    expect([...after.keys()]).toEqual(['clusters/prod/istio-version.yaml']);
    const path = 'clusters/prod/istio-version.yaml';
    expect(versionOnlyChanges(before.get(path)!, after.get(path)!)).toEqual([
      { line: 8, from: '1.24.2', to: '1.25.0' },
    ]);
    expect(after.get(path)!.toString()).toContain(
      '  istio_version: "1.25.0"   # istio-autopilot bumps this\n',
    );
  });

  it('rewrites an inline postBuild.substitute value', () => {
    const files = fixtures(directory, 'inline-substitute.yaml').map((f) => ({
      ...f,
      path: 'staging/istio/all.yaml',
    }));
    const { pins } = extractPins({ files }, { kinds });
    expect(summarise(pins)).toEqual(['staging/istio/all.yaml:9:23 1.24.2 plain single control-plane']);
    expect(pins[0]!.location).toBe('Kustomization istio-staging postBuild.substitute.istio_version');
  });

  it('pins direct versions and a ${var:=default} with no definition, ignoring non-Istio charts', () => {
    const { logger, warnings } = recordingLogger();
    const { pins } = extractPins({ files: fixtures(directory, 'direct.yaml') }, { kinds, logger });
    expect(summarise(pins)).toEqual([
      'direct.yaml:9:18 1.24.2 plain none data-plane',
      'direct.yaml:33:32 1.24.2 plain double data-plane',
    ]);
    expect(warnings).toEqual([]);
    const { before, after } = bumpInMemory(fixtures(directory, 'direct.yaml'), '1.25.0', { kinds });
    expect(
      versionOnlyChanges(before.get('direct.yaml')!, after.get('direct.yaml')!).map((c) => c.line),
    ).toEqual([9, 33]);
    expect(after.get('direct.yaml')!.toString()).toContain('version: "${cni_version:=1.25.0}"');
  });

  it('warns when a variable is defined nowhere in the scanned files', () => {
    const { logger, warnings } = recordingLogger();
    const files = fixtures(directory, 'helmreleases.yaml');
    expect(extractPins({ files }, { kinds, logger }).pins).toEqual([]);
    expect(warnings[0]).toMatch(/\$\{istio_version\} is not defined/);
  });

  it('finds one pin per cluster when each cluster feeds the shared base its own same-named ConfigMap', () => {
    const [configMap, kustomization, releases] = fixtures(
      directory,
      'istio-version.yaml',
      'kustomization.yaml',
      'helmreleases.yaml',
    );
    const clusters = ['dev', 'staging', 'prod'];
    const files = [
      ...clusters.flatMap((c) => [
        { ...configMap!, path: `clusters/${c}/istio-version.yaml` },
        { ...kustomization!, path: `clusters/${c}/istio.yaml` },
      ]),
      { ...releases!, path: 'infrastructure/istio/releases.yaml' },
    ];
    const { pins } = extractPins({ files }, { kinds });
    expect(pins.map((p) => p.file)).toEqual([
      'clusters/dev/istio-version.yaml',
      'clusters/prod/istio-version.yaml',
      'clusters/staging/istio-version.yaml',
    ]);
  });

  describe('which same-named ConfigMap a Kustomization reads, when the cluster roots are known', () => {
    const [configMap, kustomization, releases] = fixtures(
      directory,
      'istio-version.yaml',
      'kustomization.yaml',
      'helmreleases.yaml',
    );
    const bootstrap = (cluster: string) => ({
      path: `clusters/${cluster}/flux-system/gotk-sync.yaml`,
      text: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/${cluster}\n`,
    });
    const applies = (cluster: string, path: string) => ({
      path: `clusters/${cluster}/versions.yaml`,
      text: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: versions\n  namespace: flux-system\nspec:\n  path: ./${path}\n`,
    });

    it('prefers the ConfigMap applied to its own cluster over a nearer one of another cluster', () => {
      const files = [
        bootstrap('dev'),
        { ...kustomization!, path: 'clusters/dev/istio.yaml' },
        applies('dev', 'versions/dev'),
        { ...configMap!, path: 'versions/dev/istio-version.yaml' },
        bootstrap('staging'),
        { ...kustomization!, path: 'clusters/staging/istio.yaml' },
        { ...configMap!, path: 'clusters/staging/istio-version.yaml' },
        { ...releases!, path: 'infrastructure/istio/releases.yaml' },
      ];
      const { pins } = extractPins({ files }, { kinds });
      expect(pins.map((p) => p.file).sort()).toEqual([
        'clusters/staging/istio-version.yaml',
        'versions/dev/istio-version.yaml',
      ]);
    });

    it('warns naming both files when two ConfigMaps of one cluster are equally near', () => {
      const { logger, warnings } = recordingLogger();
      const files = [
        bootstrap('dev'),
        { ...kustomization!, path: 'clusters/dev/istio.yaml' },
        { ...configMap!, path: 'clusters/dev/a/istio-version.yaml' },
        { ...configMap!, path: 'clusters/dev/b/istio-version.yaml' },
        { ...releases!, path: 'infrastructure/istio/releases.yaml' },
      ];
      const { pins } = extractPins({ files }, { kinds, logger });
      expect(pins.map((p) => p.file)).toEqual(['clusters/dev/a/istio-version.yaml']);
      expect(warnings.join('\n')).toContain(
        'ambiguous: clusters/dev/a/istio-version.yaml and clusters/dev/b/istio-version.yaml are equally near in cluster clusters/dev',
      );
    });

    it('finds no pin, and says why, when the ConfigMap is applied only from another cluster', () => {
      const { logger, warnings } = recordingLogger();
      const files = [
        bootstrap('dev'),
        { ...kustomization!, path: 'clusters/dev/istio.yaml' },
        bootstrap('staging'),
        { ...configMap!, path: 'clusters/staging/istio-version.yaml' },
        { ...releases!, path: 'infrastructure/istio/releases.yaml' },
      ];
      expect(extractPins({ files }, { kinds, logger }).pins).toEqual([]);
      expect(warnings.join('\n')).toContain(
        'applied only from other clusters (clusters/staging/istio-version.yaml), not from clusters/dev',
      );
    });
  });
});
