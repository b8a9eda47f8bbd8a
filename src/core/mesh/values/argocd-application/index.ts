// Metadata of the argocd-application values source (Argo CD Applications of Istio charts).
import type { ValuesSource } from '../types.js';
import { findApplications } from './find.js';

export const argocdApplicationSource: ValuesSource = {
  id: 'argocd-application',
  find: findApplications,
};
export { findApplications };
