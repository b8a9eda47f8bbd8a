// Metadata of the istio-version-file pin kind (a plain `.istio-version`).
import type { TextPinKind } from '../kind.js';
import { extract } from './extract.js';
import { update } from './update.js';

export const istioVersionFileKind: TextPinKind = {
  name: 'istio-version-file',
  description: 'A plain .istio-version file holding one version',
  filePatterns: ['**/.istio-version'],
  role: 'control-plane',
  keywords: [],
  input: 'text',
  extract,
  update,
};
export { extract, update };
