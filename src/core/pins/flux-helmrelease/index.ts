// Metadata of the flux-helmrelease pin kind (Flux HelmReleases of Istio charts and their substitutions).
import type { YamlPinKind } from '../kind.js';
import { extract, link } from './extract.js';

/** Flux HelmRelease spec.chart.spec.version of Istio charts, following ${var} to postBuild.substitute or a substituteFrom ConfigMap */
export const fluxHelmReleaseKind: YamlPinKind<'flux-helmrelease'> = {
  name: 'flux-helmrelease',
  filePatterns: ['**/*.{yaml,yml}'],
  keywords: ['HelmRelease', 'postBuild'],
  input: 'yaml',
  extract,
  link,
};
export { extract, link };
