// Metadata of the istio-version-file pin kind (a plain `.istio-version`).
import type { TextPinKind } from '../kind.js';
import { extract } from './extract.js';

/** A plain .istio-version file holding one version */
export const istioVersionFileKind: TextPinKind<'istio-version-file'> = {
  name: 'istio-version-file',
  filePatterns: ['**/.istio-version'],
  keywords: [],
  input: 'text',
  extract,
};
export { extract };
