// Metadata of the sail-istio values source (Sail Operator Istio, IstioCNI and ZTunnel resources).
import type { ValuesSource } from '../types.js';
import { findSailResources, sailRevisionName } from './find.js';

export const sailIstioSource: ValuesSource = {
  id: 'sail-istio',
  find: findSailResources,
};
export { findSailResources, sailRevisionName };
