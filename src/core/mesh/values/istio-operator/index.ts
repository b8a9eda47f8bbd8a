// Metadata of the istio-operator values source (IstioOperator files given to istioctl).
import type { ValuesSource } from '../types.js';
import { findIstioOperators } from './find.js';

export const istioOperatorSource: ValuesSource = {
  id: 'istio-operator',
  find: findIstioOperators,
};
export { findIstioOperators };
