// The registry of source kinds: adding a place Istio's chart or image locations live means one folder and one line.
import { argocdRepoUrlKind } from './argocd-repourl/index.js';
import { fluxSourcesKind } from './flux-sources/index.js';
import { helmChartRepositoryKind } from './helm-chart-repository/index.js';
import { helmfileRepositoriesKind } from './helmfile-repositories/index.js';
import { imageHubsKind } from './image-hubs/index.js';
import { kustomizeHelmChartsKind } from './kustomize-helm-charts/index.js';
import { scriptUrlsKind } from './script-urls/index.js';
import type { SourceKind } from './types.js';

export const SOURCE_KINDS: readonly SourceKind[] = [
  fluxSourcesKind,
  argocdRepoUrlKind,
  helmChartRepositoryKind,
  helmfileRepositoriesKind,
  kustomizeHelmChartsKind,
  imageHubsKind,
  scriptUrlsKind,
];
