// Metadata of the helm-values pin kind (values files passed to Istio's Helm charts).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';

/** Helm values for Istio charts: global.tag, tag (ztunnel); revision is reported */
export const helmValuesKind: YamlPinKind<'helm-values'> = {
  name: 'helm-values',
  filePatterns: ['**/*values*.{yaml,yml}'],
  keywords: ['tag'],
  input: 'yaml',
  extract,
};
export { extract };
