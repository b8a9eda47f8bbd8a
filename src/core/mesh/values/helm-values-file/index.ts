// Metadata of the helm-values-file values source: umbrella charts and helmfile releases in the repo's
// files (it reads `context.files`, not rendered objects).
import type { ControlPlaneDeclaration, ValuesLookupContext, ValuesSource } from '../types.js';
import { findHelmfileReleases } from './helmfile.js';
import { findUmbrellaCharts } from './umbrella-charts.js';

async function findValuesFiles(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  return [...(await findUmbrellaCharts(context)), ...(await findHelmfileReleases(context))];
}

export const helmValuesFileSource: ValuesSource = {
  id: 'helm-values-file',
  find: findValuesFiles,
};
export { findValuesFiles };
