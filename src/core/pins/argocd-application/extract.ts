// Argo CD Application / ApplicationSet pins: targetRevision of sources that are Istio charts.
import type { Document, Node } from 'yaml';
import type { KindFileResult } from '../kind.js';
import { istioChartRole } from '../istio-charts.js';
import type { Pin } from '../types.js';
import { itemsAt, nodeAt, resourceKind, stringAt, versionScalarPin } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    for (const { source, location } of argocdSourceNodes(document))
      pushSource(file, document, source, location, pins);
  }
  return { pins };
}

/** The sources of an Argo CD Application (`spec`) or ApplicationSet (`spec.template.spec`), with where each sits. */
export function argocdSourceNodes(document: Document): { source: Node; location: string }[] {
  const { kind, apiVersion } = resourceKind(document);
  if (!apiVersion?.startsWith('argoproj.io/')) return [];
  const specPath =
    kind === 'Application' ? ['spec'] : kind === 'ApplicationSet' ? ['spec', 'template', 'spec'] : undefined;
  if (!specPath) return [];
  const spec = nodeAt(document, document.contents, ...specPath);
  const prefix = specPath.join('.');
  const found: { source: Node; location: string }[] = [];
  const single = nodeAt(document, spec, 'source');
  if (single) found.push({ source: single, location: `${prefix}.source` });
  itemsAt(document, spec, 'sources').forEach((source, index) =>
    found.push({ source, location: `${prefix}.sources[${index}]` }),
  );
  return found;
}

function pushSource(file: ParsedFile, document: Document, source: Node, location: string, pins: Pin[]): void {
  const chart = stringAt(document, source, 'chart');
  const role = istioChartRole(chart, stringAt(document, source, 'repoURL'));
  if (!role) return;
  const values = nodeAt(document, source, 'helm', 'valuesObject');
  const revision = stringAt(document, values, 'revision');
  // Ranges such as 1.24.* float by design; only exact versions are pins.
  const pin = versionScalarPin(file, nodeAt(document, source, 'targetRevision'), {
    kind: 'argocd-application',
    role,
    location: `${location}.targetRevision (${chart})`,
    ...(revision ? { revision } : {}),
  });
  if (pin) pins.push(pin);
}
