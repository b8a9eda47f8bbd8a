// Metadata of the sail-operator pin kind (Sail Operator custom resources).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** Sail Operator Istio, IstioRevision, IstioCNI and ZTunnel spec.version (v-prefixed) */
export const sailOperatorKind: YamlPinKind<'sail-operator'> = {
  name: 'sail-operator',
  filePatterns: ['**/*.{yaml,yml}'],
  keywords: ['sailoperator.io'],
  input: 'yaml',
  extract,
};
export { extract };
