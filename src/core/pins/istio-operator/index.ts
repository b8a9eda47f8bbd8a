// Metadata of the istio-operator pin kind (IstioOperator resources for istioctl install).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** IstioOperator spec.tag (and spec.values.global.tag); spec.revision is reported as the revision */
export const istioOperatorKind: YamlPinKind<'istio-operator'> = {
  name: 'istio-operator',
  filePatterns: ['**/*.{yaml,yml}'],
  keywords: ['IstioOperator'],
  input: 'yaml',
  extract,
};
export { extract };
