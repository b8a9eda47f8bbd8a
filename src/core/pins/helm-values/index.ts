// Metadata of the helm-values pin kind (values files passed to Istio's Helm charts).
import type { YamlPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const helmValuesKind: YamlPinKind = {
  name: 'helm-values',
  description: 'Helm values for Istio charts: global.tag, tag (ztunnel); revision is reported',
  filePatterns: ['**/*values*.{yaml,yml}'],
  role: 'per-pin',
  keywords: ['tag'],
  input: 'yaml',
  extract,
  update,
};
export { extract, update };
