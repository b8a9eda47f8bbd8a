// Metadata of the script-urls source kind (retired-host locations inside scripts and workflow steps).
import type { TextSourceKind } from '../types.js';
import { extract } from './extract.js';

export const scriptUrlsKind: TextSourceKind = {
  name: 'script-urls',
  description:
    'chart, image and download locations on retired Istio hosts inside scripts, Dockerfiles and workflow steps',
  filePatterns: ['.github/workflows/*.{yml,yaml}', '**/*.sh', '**/Makefile', '**/*.mk', '**/Dockerfile*'],
  input: 'text',
  extract,
};
export { extract };
