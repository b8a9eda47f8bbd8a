// Metadata of the istio-operator pin kind (IstioOperator resources for istioctl install).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const istioOperatorKind: YamlPinKind = {
  name: 'istio-operator',
  description:
    'IstioOperator spec.tag (and spec.values.global.tag); spec.revision is reported as the revision',
  filePatterns: ['**/*.{yaml,yml}'],
  role: 'control-plane',
  keywords: ['IstioOperator'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
