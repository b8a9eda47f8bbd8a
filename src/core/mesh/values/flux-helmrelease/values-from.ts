// One `spec.valuesFrom` entry of a HelmRelease, resolved against the rendered ConfigMaps and Secrets
// the way helm-controller reads them: a values document, or one flat value at `targetPath`.
import { Buffer } from 'node:buffer';
import { findObject, objectLabel, parseValuesText, stringField, unresolved } from '../documents.js';
import { parseSetValue } from '../merge.js';
import type { Values } from '../merge.js';
import type { MeshObject, SourceLocation, UnresolvedValues, ValuesLayer } from '../types.js';

export type ReferenceResult =
  | { kind: 'layer'; layer: ValuesLayer }
  | { kind: 'target'; path: string; value: unknown; description: string; source?: SourceLocation }
  | { kind: 'unresolved'; unresolved: UnresolvedValues }
  | { kind: 'skipped'; note: string };

interface Reference {
  kind: string;
  name: string;
  valuesKey: string;
  targetPath?: string;
  optional: boolean;
}

export function parseReference(entry: unknown): Reference {
  return {
    kind: stringField(entry, 'kind') ?? '',
    name: stringField(entry, 'name') ?? '',
    valuesKey: stringField(entry, 'valuesKey') || 'values.yaml',
    targetPath: stringField(entry, 'targetPath') || undefined,
    optional: stringField(entry, 'optional') === 'true',
  };
}

/** SOPS leaves a `sops` block on the object and `ENC[...]` in place of each value. */
function isSopsEncrypted(object: MeshObject, raw: string | undefined): boolean {
  return 'sops' in object.object || (raw?.startsWith('ENC[') ?? false);
}

type KeyRead = { text: string } | { missing: true } | { encrypted: true };

/** A key's text: ConfigMap `data`; Secret `stringData` (as written) or base64 `data`. */
function readKey(object: MeshObject, key: string): KeyRead {
  const plain = stringField(object.object, 'data', key);
  if (object.kind === 'ConfigMap') return plain === undefined ? { missing: true } : { text: plain };
  const written = stringField(object.object, 'stringData', key);
  if (isSopsEncrypted(object, written ?? plain)) return { encrypted: true };
  if (written !== undefined) return { text: written };
  if (plain === undefined) return { missing: true };
  return { text: Buffer.from(plain, 'base64').toString('utf8') };
}

/** A kustomize generator appends `-<10-char hash>` to the name; Flux then looks for the bare name. */
function hashedTwin(reference: Reference, objects: readonly MeshObject[]): MeshObject | undefined {
  const prefix = `${reference.name}-`;
  return objects.find(
    (o) =>
      o.kind === reference.kind &&
      o.name.startsWith(prefix) &&
      /^[a-z0-9]{10}$/.test(o.name.slice(prefix.length)),
  );
}

function notFound(
  reference: Reference,
  label: string,
  release: MeshObject,
  objects: readonly MeshObject[],
): ReferenceResult {
  const where = `${label}${reference.valuesKey === 'values.yaml' ? '' : ` key ${reference.valuesKey}`}`;
  if (reference.optional) {
    return {
      kind: 'skipped',
      note: `optional valuesFrom ${where} is not in the repo; Flux skips it, and so do we`,
    };
  }
  const twin = hashedTwin(reference, objects);
  const reason = twin
    ? `only ${objectLabel(twin)} is rendered: kustomize added a hash suffix and did not rewrite this reference (set disableNameSuffixHash, or teach kustomize the reference with a nameReference configuration)`
    : reference.kind === 'Secret'
      ? 'the Secret is not among the rendered objects (it lives in the cluster, or is made by a SealedSecret or an external secrets operator); Flux reads it at install time'
      : 'the ConfigMap is not among the rendered objects; Flux would fail the release';
  return { kind: 'unresolved', unresolved: unresolved(`valuesFrom ${where}`, reason, release.source) };
}

function targetValue(text: string): unknown {
  // helm-controller sets a quoted value as a string, the way `helm --set-string` does.
  const quoted = /^(["']).*\1$/s.test(text);
  return parseSetValue(quoted ? text.slice(1, -1) : text, quoted);
}

/** Resolves one reference; `release` names the HelmRelease for errors. */
export function resolveReference(
  reference: Reference,
  release: MeshObject,
  objects: readonly MeshObject[],
): ReferenceResult {
  const label = `${reference.kind} ${release.namespace ? `${release.namespace}/` : ''}${reference.name}`;
  if (reference.kind !== 'ConfigMap' && reference.kind !== 'Secret') {
    const reason = `kind '${reference.kind}' is not one Flux reads values from (ConfigMap or Secret)`;
    return { kind: 'unresolved', unresolved: unresolved(`valuesFrom ${label}`, reason, release.source) };
  }
  const object = findObject(objects, reference.kind, reference.name, release.namespace);
  if (!object) return notFound(reference, label, release, objects);
  const read = readKey(object, reference.valuesKey);
  const where = `${objectLabel(object)} key ${reference.valuesKey}`;
  if ('encrypted' in read) {
    const reason = 'the Secret is SOPS-encrypted; Flux decrypts it in the cluster and we cannot';
    return { kind: 'unresolved', unresolved: unresolved(where, reason, object.source) };
  }
  if ('missing' in read) {
    if (reference.optional)
      return { kind: 'skipped', note: `optional valuesFrom ${where} has no such key; skipped` };
    return {
      kind: 'unresolved',
      unresolved: unresolved(
        where,
        'the key is not in the object; Flux would fail the release',
        object.source,
      ),
    };
  }
  const source = object.source;
  if (reference.targetPath) {
    const description = `${where} at targetPath ${reference.targetPath}`;
    return { kind: 'target', path: reference.targetPath, value: targetValue(read.text), description, source };
  }
  const parsed = parseValuesText(read.text);
  if ('error' in parsed)
    return { kind: 'unresolved', unresolved: unresolved(where, `the values ${parsed.error}`, source) };
  const layer: ValuesLayer = { description: where, values: parsed.values as Values };
  if (source) layer.source = source;
  return { kind: 'layer', layer };
}
