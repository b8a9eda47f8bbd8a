// Metadata of the sail-operator pin kind (Sail Operator custom resources).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const sailOperatorKind: YamlPinKind = {
  name: 'sail-operator',
  description: 'Sail Operator Istio, IstioRevision, IstioCNI and ZTunnel spec.version (v-prefixed)',
  filePatterns: ['**/*.{yaml,yml}'],
  role: 'per-pin',
  keywords: ['sailoperator.io'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
