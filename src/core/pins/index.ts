// The registry of pin kinds: adding a file format means adding one folder and one line here.
import { argocdApplicationKind } from './argocd-application/index.js';
import { containerImagesKind } from './container-images/index.js';
import { fluxHelmReleaseKind } from './flux-helmrelease/index.js';
import { helmChartDependenciesKind } from './helm-chart-dependencies/index.js';
import { helmValuesKind } from './helm-values/index.js';
import { istioOperatorKind } from './istio-operator/index.js';
import { istioVersionFileKind } from './istio-version-file/index.js';
import { kustomizeImagesKind } from './kustomize-images/index.js';
import { sailOperatorKind } from './sail-operator/index.js';
import { workflowEnvKind } from './workflow-env/index.js';

export const PIN_KINDS = [
  istioOperatorKind,
  helmValuesKind,
  fluxHelmReleaseKind,
  argocdApplicationKind,
  helmChartDependenciesKind,
  sailOperatorKind,
  kustomizeImagesKind,
  containerImagesKind,
  workflowEnvKind,
  istioVersionFileKind,
] as const;

/** The kinds' names: the registry above is their one list. */
export type PinKindName = (typeof PIN_KINDS)[number]['name'];
