// IstioOperator pins: spec.tag (the control plane's image tag), with spec.revision as the pin's revision.
import type { KindFileResult } from '../kind.js';
import type { Pin } from '../types.js';
import { nodeAt, resourceKind, stringAt, versionScalarPin } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    const { kind, apiVersion } = resourceKind(document);
    if (kind !== 'IstioOperator' || !apiVersion?.startsWith('install.istio.io/')) continue;
    const spec = nodeAt(document, document.contents, 'spec');
    const revision = stringAt(document, spec, 'revision');
    // spec.hub is not a version; it stays as it is and the tag carries the version.
    for (const path of [['tag'], ['values', 'global', 'tag']]) {
      const pin = versionScalarPin(file, nodeAt(document, spec, ...path), {
        kind: 'istio-operator',
        role: 'control-plane',
        location: `spec.${path.join('.')}`,
        ...(revision ? { revision } : {}),
      });
      if (pin) pins.push(pin);
    }
  }
  return { pins };
}
