// Metadata of the flux-helmrelease values source (Flux HelmReleases of Istio charts).
import type { ValuesSource } from '../types.js';
import { findHelmReleases } from './find.js';

export const fluxHelmReleaseSource: ValuesSource = {
  id: 'flux-helmrelease',
  find: findHelmReleases,
};
export { findHelmReleases };
