import { describe, expect, it } from 'vitest';
import { objectsFrom, fixtureReader } from './__fixtures__/objects.js';
import { VALUES_SOURCES, findControlPlanes } from './index.js';

const repo = new URL('./helm-values-file/__fixtures__/repo/', import.meta.url);

const application = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: mesh
  namespace: argocd
spec:
  destination:
    namespace: istio-system
  source:
    repoURL: https://github.com/example/platform.git
    path: charts/mesh
    helm:
      parameters:
        - name: istiod-canary.revision
          value: canary-2
`;

const sail = `apiVersion: sailoperator.io/v1
kind: Istio
metadata:
  name: default
spec:
  version: v1.24.2
`;

describe('values sources registry', () => {
  it('lists one source per place values live', () => {
    expect(VALUES_SOURCES.map((s) => s.id)).toEqual([
      'flux-helmrelease',
      'argocd-application',
      'istio-operator',
      'sail-istio',
      'helm-values-file',
    ]);
  });

  it('runs every source, and counts an umbrella chart once when an Argo CD Application installs it', async () => {
    const found = await findControlPlanes({
      objects: [...objectsFrom(application, 'apps/mesh.yaml'), ...objectsFrom(sail, 'sail/istio.yaml')],
      readFile: fixtureReader(repo),
      files: ['charts/mesh/Chart.yaml', 'charts/mesh/values.yaml'],
      repositoryUrls: ['git@github.com:example/platform.git'],
    });
    expect(found.map((d) => [d.sourceId, d.component, d.revision])).toEqual([
      ['argocd-application', 'istiod', 'canary-2'],
      ['argocd-application', 'cni', undefined],
      ['sail-istio', 'istiod', undefined],
    ]);
  });

  it('keeps the umbrella chart as its own declaration when nothing installs it', async () => {
    const found = await findControlPlanes({
      objects: [],
      readFile: fixtureReader(repo),
      files: ['charts/mesh/Chart.yaml', 'charts/mesh/values.yaml'],
    });
    expect(found.map((d) => [d.sourceId, d.component, d.revision])).toEqual([
      ['helm-values-file', 'istiod', 'canary'],
      ['helm-values-file', 'cni', undefined],
    ]);
  });
});
