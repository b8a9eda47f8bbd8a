// helmfile: repositories[].url, and releases[].chart written as a full OCI reference.
import type { ParsedFile } from '../../pins/yaml-documents.js';
import type { IstioSource } from '../types.js';
import { listFieldSources } from '../yaml-sources.js';

export function extract(file: ParsedFile): IstioSource[] {
  const meta = { kind: 'helmfile-repositories', artifact: 'chart' } as const;
  return [
    ...listFieldSources(file, 'repositories', 'url', meta),
    ...listFieldSources(file, 'releases', 'chart', meta),
  ];
}
