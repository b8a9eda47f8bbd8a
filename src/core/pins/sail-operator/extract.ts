// Sail Operator pins: spec.version of Istio, IstioRevision, IstioCNI and ZTunnel, written `v1.24.2`.
import type { KindFileResult } from '../kind.js';
import type { Pin, PinRole } from '../types.js';
import { nodeAt, resourceKind, versionScalarPin } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

const ROLES: Record<string, PinRole> = {
  Istio: 'control-plane',
  IstioRevision: 'control-plane',
  // Node agents: they may trail the control plane by a minor, so they are upgraded after it.
  IstioCNI: 'data-plane',
  ZTunnel: 'data-plane',
};

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    const { kind, apiVersion, name } = resourceKind(document);
    const role = kind ? ROLES[kind] : undefined;
    if (!role || !apiVersion?.startsWith('sailoperator.io/')) continue;
    const pin = versionScalarPin(file, nodeAt(document, document.contents, 'spec', 'version'), {
      kind: 'sail-operator',
      role,
      location: `${kind} ${name ?? ''} spec.version`.replace('  ', ' '),
      ...(kind === 'IstioRevision' && name ? { revision: name } : {}),
    });
    if (pin) pins.push(pin);
  }
  return { pins };
}
