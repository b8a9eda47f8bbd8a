// The three canary steps as edits of installed istiods (Flux HelmRelease, Argo CD Application,
// IstioOperator): add a revisioned istiod beside the old one (base chart to the target too), move
// tags, namespaces, gateways and dependsOn to it, then remove the old one. Existing files get
// byte-minimal splices; the new file is written whole.
import { posix } from 'node:path';
import { isSeq, parseDocument, type Document } from 'yaml';
import { FileFormatError } from '../../errors.js';
import { asArray, asString } from '../../mesh/documents.js';
import type { MeshCluster, MeshModel } from '../../mesh/types.js';
import { Editor, KUSTOMIZATIONS, objectDocument, type CanaryEdit, type ValuesHolder } from './editor.js';
import { helmInstalls, valueAt, type HelmInstall } from './shape.js';
import { inlineValue } from './values-text.js';
import { revisionNameOf, type CanaryIstiod, type RevisionReference } from './state.js';
import {
  documentsOf,
  insertMapEntry,
  lineEndOf,
  lineStartOf,
  nodeAt,
  removeListItem,
  removeMapEntry,
  replaceScalar,
} from './yaml-text.js';

/** `istiod` -> `istiod-1-31-0`; `istiod-1-30-4` -> `istiod-1-31-0`. */
export function canaryNameOf(oldName: string, oldRevision: string, revision: string): string {
  return oldRevision !== 'default' && oldName.endsWith(`-${oldRevision}`)
    ? `${oldName.slice(0, -oldRevision.length)}${revision}`
    : `${oldName}-${revision}`;
}

/** Step 1: the canary istiod beside the old, listed where the old one is, and base at the target. */
export function addCanaryEdits(
  workspace: string,
  model: MeshModel,
  old: CanaryIstiod,
  target: string,
): CanaryEdit & { revision: string; file: string; name: string } {
  const editor = new Editor(workspace);
  const revision = revisionNameOf(target);
  const name = canaryNameOf(old.name, old.revision, revision);
  const { shape } = old;
  const { text, located } = objectDocument(editor, old.file, shape.kind, old.name);
  const document = parseDocument(text.slice(located.start, located.end));
  document.setIn(['metadata', 'name'], name);
  const releaseName = shape.releaseNamePath.length
    ? asString(document.getIn(shape.releaseNamePath))
    : undefined;
  if (releaseName) document.setIn(shape.releaseNamePath, canaryNameOf(releaseName, old.revision, revision));
  if (!document.hasIn(shape.versionPath))
    throw new FileFormatError(
      `${shape.label} has no ${shape.versionPath.join('.')}; only a chart with a written version is upgraded by revision`,
      { file: old.file, line: old.line },
    );
  for (const path of [shape.versionPath, ...(shape.alsoVersionPaths ?? [])])
    document.setIn(path, retagged(String(document.getIn(path)), old.version, target));
  canaryValues(document, old, revision);
  document.commentBefore =
    ` istiod ${target} as revision ${revision}, the canary beside ${old.name} (${old.version}).\n` +
    ` Added by Istio Autopilot: it claims no revision tag and no defaultRevision while ${old.name} runs.`;
  let body = document.toString({ lineWidth: 0 });
  // Sidecar and gateway settings naming the old revision's service follow the new revision.
  if (old.revision !== 'default') body = body.split(`istiod-${old.revision}.`).join(`istiod-${revision}.`);
  const file = posix.join(posix.dirname(old.file), `${name}.yaml`);
  editor.create(file, body);
  editor.notes.push(
    `adds \`${file}\`: ${shape.kind} ${old.namespace}/${name}, istiod ${target} with \`revision: ${revision}\`, the old one's values otherwise`,
  );
  if (shape.kind === 'IstioOperator')
    editor.notes.push(
      `install it beside the old one with \`istioctl install -f ${file}\` (${target}); the base CRDs it renders move to ${target} first, and ${old.name} keeps serving everything until step 2`,
    );
  listBeside(editor, old.file, file);
  moveBase(editor, model, target);
  return { ...editor.result(), revision, file, name };
}

/**
 * The canary's values: no revision tags or defaultRevision of its own (overridden inline when merged
 * from elsewhere, so the canary claims no shared name), and its revision. A `helm.values` string is
 * edited as its own YAML document and written back as a literal block.
 */
function canaryValues(document: Document, old: CanaryIstiod, revision: string): void {
  const { shape } = old;
  const valuesText = shape.valuesText ? parseDocument(String(document.getIn(shape.valuesText))) : undefined;
  const values = valuesText ? [] : shape.valuesPath;
  const valuesDoc = valuesText ?? document;
  for (const key of ['revisionTags', 'defaultRevision', 'revision']) valuesDoc.deleteIn([...values, key]);
  if (valuesText) valuesText.setIn(['revision'], revision);
  else document.setIn(shape.revisionPath, revision);
  // Merged from elsewhere (a values file): overridden inline.
  const merged = old.plane.values;
  const inline = (key: string) => inlineValue(old.object, shape, key) !== undefined;
  if (merged.defaultRevision && !inline('defaultRevision'))
    valuesDoc.setIn([...values, 'defaultRevision'], '');
  if (asArray(merged.revisionTags).length && !inline('revisionTags'))
    valuesDoc.setIn([...values, 'revisionTags'], valuesDoc.createNode([]));
  if (valuesText && shape.valuesText) {
    const block = document.createNode(valuesText.toString({ lineWidth: 0 }));
    block.type = 'BLOCK_LITERAL';
    document.setIn(shape.valuesText, block);
  }
}

/** `1.30.4` -> `1.31.0`, keeping an image variant: `1.30.4-distroless` -> `1.31.0-distroless`. */
function retagged(written: string, from: string, to: string): string {
  return written.startsWith(from) ? `${to}${written.slice(from.length)}` : to;
}

/** Adds `added` to the kustomization that lists `beside` (none: the directory is read whole). */
function listBeside(editor: Editor, beside: string, added: string): void {
  const dir = posix.dirname(beside);
  const kustomization = KUSTOMIZATIONS.map((k) => posix.join(dir, k)).find((k) => editor.exists(k));
  if (!kustomization) return;
  const text = editor.text(kustomization);
  const [located] = documentsOf(text, kustomization);
  const resources = located ? nodeAt(located.document, ['resources']) : undefined;
  const entry =
    resources && isSeq(resources)
      ? resources.items.find((n) => String((n as { value?: unknown }).value) === posix.basename(beside))
      : undefined;
  const range = (entry as { range?: [number, number, number] } | undefined)?.range;
  if (!range || (resources && isSeq(resources) && resources.flow))
    throw new FileFormatError(`${posix.basename(beside)} is not listed in resources, one per line`, {
      file: kustomization,
      hint: `Add ${posix.basename(added)} to the kustomization by hand, or list ${posix.basename(beside)} in block style.`,
    });
  const lineStart = lineStartOf(text, range[0]);
  const at = lineEndOf(text, range[0]);
  const prefix = text.slice(lineStart, range[0]);
  editor.add(kustomization, {
    start: at,
    end: at,
    replacement: `${at > 0 && text[at - 1] !== '\n' ? '\n' : ''}${prefix}${posix.basename(added)}\n`,
  });
}

/** The base chart (CRDs) goes to the target with the canary: CRDs go first. */
function moveBase(editor: Editor, model: MeshModel, target: string): void {
  for (const { object, shape } of helmInstalls(model).filter(
    (i) => i.shape.chart === 'base' || i.shape.chart === 'istio-base',
  )) {
    if (!object.source || asString(valueAt(object, shape.versionPath)) === target) continue;
    const { text, located } = objectDocument(editor, object.source.file, shape.kind, object.name);
    const edit = replaceScalar(text, object.source.file, located, shape.versionPath, target);
    if (!edit) continue;
    editor.add(object.source.file, edit);
    editor.notes.push(
      `pins the base chart (CRDs) of ${shape.label} to ${target} in \`${object.source.file}\`: CRDs move before istiod, and a shared version variable would move the old istiod too`,
    );
  }
}

/** Step 2: tags, namespaces, gateways and dependsOn move from `old` to `next`; `old` stays installed. */
export function moveDataPlaneEdits(
  workspace: string,
  model: MeshModel,
  cluster: MeshCluster,
  old: CanaryIstiod,
  next: CanaryIstiod,
  references: readonly RevisionReference[],
): CanaryEdit {
  const editor = new Editor(workspace);
  const tags = asArray(inlineValue(old.object, old.shape, 'revisionTags')).map(String);
  if (tags.length) {
    // Every tag moves, so the key goes with them (an empty `revisionTags:` would be null).
    editor.values(old, (text, located, path) =>
      removeMapEntry(text, old.file, located, path, 'revisionTags'),
    );
    const lines = tags.map((t) => `\n- ${t}`).join('');
    if (inlineValue(next.object, next.shape, 'revisionTags') !== undefined)
      editor.values(next, (text, located, path) =>
        removeMapEntry(text, next.file, located, path, 'revisionTags'),
      );
    editor.values(next, (text, located, path) =>
      insertMapEntry(text, next.file, located, path, 'revisionTags', lines),
    );
    editor.notes.push(
      `moves revision tag(s) ${tags.map((t) => `\`${t}\``).join(', ')} from ${old.name} to ${next.name}`,
    );
  }
  if (asString(inlineValue(old.object, old.shape, 'defaultRevision')) === old.revision) {
    editor.values(old, (text, located, path) =>
      removeMapEntry(text, old.file, located, path, 'defaultRevision'),
    );
    setValue(editor, next, 'defaultRevision', next.revision);
    editor.notes.push(`moves \`defaultRevision\` to ${next.revision}`);
  }
  for (const ref of references.filter((r) => r.kind === 'namespace'))
    relabelNamespace(editor, cluster, ref.name, next.revision);
  for (const install of helmInstalls(model)) {
    const { object, shape } = install;
    const at = object.source;
    if (!at || object === old.object || object === next.object) continue;
    const gateway = references.some(
      (r) => r.kind === 'gateway' && r.source?.file === at.file && r.source.line === at.line,
    );
    const depends = references.some((r) => r.kind === 'depends-on' && r.name === object.name);
    if (!gateway && !depends) continue;
    if (gateway) {
      setValue(editor, { file: at.file, name: object.name, shape }, 'revision', next.revision);
      editor.notes.push(`moves gateway ${shape.label} to revision ${next.revision}`);
    }
    if (depends) repointDependsOn(editor, install, old.name, next.name);
  }
  return editor.result();
}

/** Sets `key` in an install's inline values: replaced when written there, else added. */
function setValue(editor: Editor, install: ValuesHolder, key: string, value: string): void {
  const { file } = install;
  editor.values(install, (text, located, path) =>
    nodeAt(located.document, [...path, key])
      ? replaceScalar(text, file, located, [...path, key], value)
      : insertMapEntry(text, file, located, path, key, value),
  );
}

function repointDependsOn(editor: Editor, install: HelmInstall, from: string, to: string): void {
  const { object, shape } = install;
  const file = object.source!.file;
  const { text, located } = objectDocument(editor, file, shape.kind, object.name);
  asArray(valueAt(object, ['spec', 'dependsOn'])).forEach((dep, index) => {
    if (asString((dep as Record<string, unknown>)?.name) !== from) return;
    editor.add(file, replaceScalar(text, file, located, ['spec', 'dependsOn', index, 'name'], to));
  });
  editor.notes.push(`points the dependsOn of ${shape.label} at ${to}`);
}
/** `istio-injection: enabled` becomes `istio.io/rev: <revision>`; `istio.io/rev: <old>` becomes the new. */
function relabelNamespace(editor: Editor, cluster: MeshCluster, name: string, revision: string): void {
  const namespace = cluster.namespaces.find((n) => n.name === name);
  const file = namespace?.source?.file;
  if (!namespace || !file) return;
  const { text, located } = objectDocument(editor, file, 'Namespace', name);
  const labels = ['metadata', 'labels'];
  if (namespace.injection) {
    editor.add(file, removeMapEntry(text, file, located, labels, 'istio-injection'));
    editor.add(
      file,
      namespace.revision
        ? replaceScalar(text, file, located, [...labels, 'istio.io/rev'], revision)
        : insertMapEntry(text, file, located, labels, 'istio.io/rev', revision),
    );
    editor.notes.push(
      `relabels namespace ${name}: \`istio.io/rev: ${revision}\` instead of \`istio-injection\` (which would win)`,
    );
  } else {
    editor.add(file, replaceScalar(text, file, located, [...labels, 'istio.io/rev'], revision));
    editor.notes.push(`relabels namespace ${name} to \`istio.io/rev: ${revision}\``);
  }
}

/** Step 3: the old HelmRelease goes; `defaultRevision` ends on the new istiod. */
export function cleanupEdits(workspace: string, old: CanaryIstiod, next: CanaryIstiod): CanaryEdit {
  const editor = new Editor(workspace);
  const { text, located } = objectDocument(editor, old.file, old.shape.kind, old.name);
  const documents = documentsOf(text, old.file).filter((d) => d.document.contents !== null);
  if (documents.length === 1) {
    editor.remove(old.file);
    unlist(editor, old.file);
    editor.notes.push(
      `removes \`${old.file}\` (${old.shape.label}, istiod ${old.version}): nothing references it any more`,
    );
  } else {
    editor.add(old.file, { start: located.start, end: located.end, replacement: '' });
    editor.notes.push(`removes ${old.shape.label} (istiod ${old.version}) from \`${old.file}\``);
  }
  if (old.shape.kind === 'IstioOperator')
    editor.notes.push(
      `once merged, remove the old control plane from the cluster with \`istioctl uninstall --revision ${old.revision}\` (an IstioOperator file is only an input of istioctl)`,
    );
  const current = asString(inlineValue(next.object, next.shape, 'defaultRevision'));
  if (current !== next.revision) {
    setValue(editor, next, 'defaultRevision', next.revision);
    editor.notes.push(`sets \`defaultRevision: ${next.revision}\` on ${next.name}, now the only istiod`);
  }
  return editor.result();
}

function unlist(editor: Editor, removed: string): void {
  const dir = posix.dirname(removed);
  const kustomization = KUSTOMIZATIONS.map((k) => posix.join(dir, k)).find((k) => editor.exists(k));
  if (!kustomization) return;
  const text = editor.text(kustomization);
  const [located] = documentsOf(text, kustomization);
  if (!located) return;
  editor.add(
    kustomization,
    removeListItem(text, kustomization, located, ['resources'], posix.basename(removed)),
  );
}
