// The registry of control-plane values sources: adding a place values live means one folder and one line.
import { posix } from 'node:path';
import { argocdApplicationSource } from './argocd-application/index.js';
import { fluxHelmReleaseSource } from './flux-helmrelease/index.js';
import { helmValuesFileSource } from './helm-values-file/index.js';
import { istioOperatorSource } from './istio-operator/index.js';
import { sailIstioSource } from './sail-istio/index.js';
import type { ControlPlaneDeclaration, ValuesLookupContext, ValuesSource } from './types.js';

export const VALUES_SOURCES: readonly ValuesSource[] = [
  fluxHelmReleaseSource,
  argocdApplicationSource,
  istioOperatorSource,
  sailIstioSource,
  helmValuesFileSource,
];

/** Files whose values another declaration already reads (an Argo CD source of an umbrella chart). */
function filesReadBy(declarations: readonly ControlPlaneDeclaration[]): Set<string> {
  return new Set(
    declarations
      .flatMap((d) => d.layers.map((l) => l.source?.file))
      .filter((f): f is string => f !== undefined),
  );
}

/**
 * A values file or umbrella chart counts on its own only when nothing that installs it was found;
 * otherwise the installer's declaration (with its overrides) is the one that runs.
 */
function readElsewhere(declaration: ControlPlaneDeclaration, read: Set<string>): boolean {
  const files = declaration.layers.map((l) => l.source?.file);
  const chartFile = declaration.source?.file;
  if (chartFile?.endsWith('Chart.yaml')) files.push(posix.join(posix.dirname(chartFile), 'values.yaml'));
  return files.some((file) => file !== undefined && read.has(file));
}

/** Every source's declarations for one cluster's rendered objects, in registry order. */
export async function findControlPlanes(context: ValuesLookupContext): Promise<ControlPlaneDeclaration[]> {
  const found = await Promise.all(
    VALUES_SOURCES.map(async (source) => ({ id: source.id, declarations: await source.find(context) })),
  );
  const fromObjects = found.filter((f) => f.id !== 'helm-values-file').flatMap((f) => f.declarations);
  const read = filesReadBy(fromObjects);
  const fromFiles = found
    .filter((f) => f.id === 'helm-values-file')
    .flatMap((f) => f.declarations)
    .filter((d) => !readElsewhere(d, read));
  return [...fromObjects, ...fromFiles];
}

export type * from './types.js';
