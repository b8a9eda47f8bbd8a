// Metadata of the flux-helmrelease pin kind (Flux HelmReleases of Istio charts and their substitutions).
import type { YamlPinKind } from '../kind.js';
import { extract, link } from './extract.js';
import { update } from './update.js';

export const fluxHelmReleaseKind: YamlPinKind = {
  name: 'flux-helmrelease',
  description:
    'Flux HelmRelease spec.chart.spec.version of Istio charts, following ${var} to postBuild.substitute or a substituteFrom ConfigMap',
  filePatterns: ['**/*.{yaml,yml}'],
  role: 'per-pin',
  keywords: ['HelmRelease', 'postBuild'],
  input: 'yaml',
  extract,
  link,
  update,
};
export { extract, link, update };
