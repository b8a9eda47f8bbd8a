// The three canary steps as edits of a Flux layout: add a revisioned istiod HelmRelease beside the old
// one (base chart to the target too), move tags, namespaces, gateways and dependsOn to it, then remove
// the old HelmRelease. Existing files get byte-minimal splices; the new file is written whole.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { isSeq, parseDocument } from 'yaml';
import { FileFormatError } from '../../errors.js';
import { asArray, asRecord, asString } from '../../mesh/documents.js';
import type { MeshCluster, RenderedObject } from '../../mesh/types.js';
import { resolveInsideWorkspace } from '../../workspace/files.js';
import { revisionNameOf, type CanaryIstiod, type RevisionReference } from './state.js';
import {
  applyTextEdits,
  documentsOf,
  findObject,
  insertMapEntry,
  lineEndOf,
  lineStartOf,
  nodeAt,
  removeListItem,
  removeMapEntry,
  replaceScalar,
  type TextEdit,
} from './yaml-text.js';

/** What a step writes: new contents per file (null: the file is deleted). */
export interface CanaryEdit {
  /** Workspace-relative path -> new content, or null to delete. */
  files: Map<string, string | null>;
  /** Workspace-relative path -> content as read (null: the file is new). */
  read: Map<string, string | null>;
  /** Lines for the PR body: what changed and why. */
  notes: string[];
}

const KUSTOMIZATIONS = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

class Editor {
  readonly edits = new Map<string, TextEdit[]>();
  readonly whole = new Map<string, string | null>();
  readonly read = new Map<string, string | null>();
  readonly notes: string[] = [];
  constructor(readonly workspace: string) {}

  text(file: string): string {
    if (!this.read.has(file)) {
      let content: string | null;
      try {
        content = readFileSync(resolveInsideWorkspace(this.workspace, file), 'utf8');
      } catch {
        content = null;
      }
      this.read.set(file, content);
    }
    const content = this.read.get(file);
    if (content === null || content === undefined)
      throw new FileFormatError('the file was not found', { file });
    return content;
  }

  exists(file: string): boolean {
    try {
      this.text(file);
      return true;
    } catch {
      return false;
    }
  }

  add(file: string, edit: TextEdit | undefined): void {
    if (edit) this.edits.set(file, [...(this.edits.get(file) ?? []), edit]);
  }

  create(file: string, content: string): void {
    if (this.exists(file))
      throw new FileFormatError('the canary HelmRelease file already exists', {
        file,
        hint: 'Remove or rename it, or merge the open canary PR, then run again.',
      });
    this.read.set(file, null);
    this.whole.set(file, content);
  }

  remove(file: string): void {
    this.text(file);
    this.whole.set(file, null);
  }

  result(): CanaryEdit {
    const files = new Map<string, string | null>(this.whole);
    for (const [file, edits] of this.edits) {
      if (files.get(file) === null) continue;
      files.set(file, applyTextEdits(this.text(file), file, edits));
    }
    for (const [file, content] of [...files])
      if (content !== null && content === this.read.get(file)) files.delete(file);
    return { files, read: this.read, notes: this.notes };
  }
}

function objectDocument(editor: Editor, file: string, kind: string, name: string) {
  const text = editor.text(file);
  const located = findObject(text, file, kind, name);
  if (!located)
    throw new FileFormatError(`${kind} ${name} was not found in the file`, {
      file,
      hint: 'The rendered name differs from the one written (a kustomize prefix?); make this step by hand.',
    });
  return { text, located };
}

/** `istiod` -> `istiod-1-31-0`; `istiod-1-30-4` -> `istiod-1-31-0`. */
export function canaryNameOf(oldName: string, oldRevision: string, revision: string): string {
  return oldRevision !== 'default' && oldName.endsWith(`-${oldRevision}`)
    ? `${oldName.slice(0, -oldRevision.length)}${revision}`
    : `${oldName}-${revision}`;
}

/** Step 1: the canary HelmRelease beside the old, listed where the old one is, and base at the target. */
export function addCanaryEdits(
  workspace: string,
  cluster: MeshCluster,
  old: CanaryIstiod,
  target: string,
): CanaryEdit & { revision: string; file: string; name: string } {
  const editor = new Editor(workspace);
  const revision = revisionNameOf(target);
  const name = canaryNameOf(old.name, old.revision, revision);
  const { text, located } = objectDocument(editor, old.file, 'HelmRelease', old.name);
  const document = parseDocument(text.slice(located.start, located.end));
  document.setIn(['metadata', 'name'], name);
  const releaseName = asString(document.getIn(['spec', 'releaseName']));
  if (releaseName) document.setIn(['spec', 'releaseName'], canaryNameOf(releaseName, old.revision, revision));
  if (!document.hasIn(['spec', 'chart', 'spec']))
    throw new FileFormatError(
      'the istiod HelmRelease has no spec.chart.spec; chartRef layouts are not upgraded by revision yet',
      {
        file: old.file,
        line: old.line,
      },
    );
  document.setIn(['spec', 'chart', 'spec', 'version'], target);
  for (const key of ['revisionTags', 'defaultRevision']) document.deleteIn(['spec', 'values', key]);
  document.setIn(['spec', 'values', 'revision'], revision);
  document.commentBefore =
    ` istiod ${target} as revision ${revision}, the canary beside ${old.name} (${old.version}).\n` +
    ` Added by Istio Autopilot: it claims no revision tag and no defaultRevision while ${old.name} runs.`;
  let body = document.toString({ lineWidth: 0 });
  // Sidecar and gateway settings naming the old revision's service follow the new revision.
  if (old.revision !== 'default') body = body.split(`istiod-${old.revision}.`).join(`istiod-${revision}.`);
  const file = posix.join(posix.dirname(old.file), `${name}.yaml`);
  editor.create(file, body);
  editor.notes.push(
    `adds \`${file}\`: HelmRelease ${old.namespace}/${name}, istiod ${target} with \`revision: ${revision}\`, the old release's values otherwise`,
  );
  listBeside(editor, old.file, file);
  moveBase(editor, cluster, target);
  return { ...editor.result(), revision, file, name };
}

/** Adds `added` to the kustomization that lists `beside` (none: Flux reads the whole directory). */
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
function moveBase(editor: Editor, cluster: MeshCluster, target: string): void {
  for (const release of helmReleases(cluster).filter(
    (r) => chartOf(r) === 'base' || chartOf(r) === 'istio-base',
  )) {
    if (!release.source) continue;
    if (asString(asRecord(asRecord(asRecord(release.object.spec)?.chart)?.spec)?.version) === target)
      continue;
    const { text, located } = objectDocument(editor, release.source.file, 'HelmRelease', release.name);
    const edit = replaceScalar(
      text,
      release.source.file,
      located,
      ['spec', 'chart', 'spec', 'version'],
      target,
    );
    if (!edit) continue;
    editor.add(release.source.file, edit);
    editor.notes.push(
      `pins the base chart (CRDs) of HelmRelease ${release.namespace ?? ''}/${release.name} to ${target} in \`${release.source.file}\`: CRDs move before istiod, and a shared version variable would move the old istiod too`,
    );
  }
}

function helmReleases(cluster: MeshCluster): RenderedObject[] {
  return cluster.objects.filter(
    (o) => o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/'),
  );
}

function chartOf(release: RenderedObject): string | undefined {
  const chart = asString(asRecord(asRecord(asRecord(release.object.spec)?.chart)?.spec)?.chart);
  return chart?.split('/').pop();
}

/** Step 2: tags, namespaces, gateways and dependsOn move from `old` to `next`; `old` stays installed. */
export function moveDataPlaneEdits(
  workspace: string,
  cluster: MeshCluster,
  old: CanaryIstiod,
  next: CanaryIstiod,
  references: readonly RevisionReference[],
): CanaryEdit {
  const editor = new Editor(workspace);
  const oldDoc = () => objectDocument(editor, old.file, 'HelmRelease', old.name);
  const nextDoc = () => objectDocument(editor, next.file, 'HelmRelease', next.name);
  const oldValues = asRecord(asRecord(helmReleaseOf(cluster, old)?.object.spec)?.values) ?? {};
  const tags = asArray(oldValues.revisionTags).map((t) => String(t));
  const missing = old.plane.tags.filter((t) => t !== 'default' && !tags.includes(t));
  if (missing.length)
    throw new FileFormatError(`tag(s) ${missing.join(', ')} of ${old.name} are not set in its spec.values`, {
      file: old.file,
      line: old.line,
      hint: 'Move revisionTags from valuesFrom into spec.values, or move the tag by hand.',
    });
  if (tags.length) {
    const { text: oldText, located: oldLocated } = oldDoc();
    // Every tag moves, so the key goes with them (an empty `revisionTags:` would be null).
    editor.add(old.file, removeMapEntry(oldText, old.file, oldLocated, ['spec', 'values'], 'revisionTags'));
    const { text, located } = nextDoc();
    editor.add(
      next.file,
      insertMapEntry(
        text,
        next.file,
        located,
        ['spec', 'values'],
        'revisionTags',
        tags.map((t) => `\n- ${t}`).join(''),
      ),
    );
    editor.notes.push(
      `moves revision tag(s) ${tags.map((t) => `\`${t}\``).join(', ')} from ${old.name} to ${next.name}`,
    );
  }
  if (asString(oldValues.defaultRevision) === old.revision) {
    const { text, located } = oldDoc();
    editor.add(old.file, removeMapEntry(text, old.file, located, ['spec', 'values'], 'defaultRevision'));
    const n = nextDoc();
    editor.add(
      next.file,
      insertMapEntry(n.text, next.file, n.located, ['spec', 'values'], 'defaultRevision', next.revision),
    );
    editor.notes.push(`moves \`defaultRevision\` to ${next.revision}`);
  }
  for (const ref of references.filter((r) => r.kind === 'namespace'))
    relabelNamespace(editor, cluster, ref.name, next.revision);
  for (const release of helmReleases(cluster)) {
    if (!release.source || release.name === old.name || release.name === next.name) continue;
    const at = release.source;
    const gateway = references.some(
      (r) => r.kind === 'gateway' && r.source?.file === at.file && r.source.line === at.line,
    );
    const depends = references.some((r) => r.kind === 'depends-on' && r.name === release.name);
    if (!gateway && !depends) continue;
    const { text, located } = objectDocument(editor, release.source.file, 'HelmRelease', release.name);
    if (gateway) {
      const values = nodeAt(located.document, ['spec', 'values']);
      editor.add(
        release.source.file,
        values && nodeAt(located.document, ['spec', 'values', 'revision'])
          ? replaceScalar(text, release.source.file, located, ['spec', 'values', 'revision'], next.revision)
          : insertMapEntry(text, release.source.file, located, ['spec', 'values'], 'revision', next.revision),
      );
      editor.notes.push(
        `moves gateway HelmRelease ${release.namespace ?? ''}/${release.name} to revision ${next.revision}`,
      );
    }
    if (depends) {
      const deps = asArray(asRecord(release.object.spec)?.dependsOn);
      deps.forEach((dep, index) => {
        if (asString(asRecord(dep)?.name) !== old.name) return;
        editor.add(
          release.source!.file,
          replaceScalar(text, release.source!.file, located, ['spec', 'dependsOn', index, 'name'], next.name),
        );
      });
      editor.notes.push(
        `points the dependsOn of HelmRelease ${release.namespace ?? ''}/${release.name} at ${next.name}`,
      );
    }
  }
  return editor.result();
}

function helmReleaseOf(cluster: MeshCluster, istiod: CanaryIstiod): RenderedObject | undefined {
  return cluster.objects.find(
    (o) => o.kind === 'HelmRelease' && o.source?.file === istiod.file && o.source.line === istiod.line,
  );
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
export function cleanupEdits(
  workspace: string,
  cluster: MeshCluster,
  old: CanaryIstiod,
  next: CanaryIstiod,
): CanaryEdit {
  void cluster;
  const editor = new Editor(workspace);
  const { text, located } = objectDocument(editor, old.file, 'HelmRelease', old.name);
  const documents = documentsOf(text, old.file).filter((d) => d.document.contents !== null);
  if (documents.length === 1) {
    editor.remove(old.file);
    unlist(editor, old.file);
    editor.notes.push(
      `removes \`${old.file}\` (HelmRelease ${old.namespace}/${old.name}, istiod ${old.version}): nothing references it any more`,
    );
  } else {
    editor.add(old.file, { start: located.start, end: located.end, replacement: '' });
    editor.notes.push(
      `removes HelmRelease ${old.namespace}/${old.name} (istiod ${old.version}) from \`${old.file}\``,
    );
  }
  const n = objectDocument(editor, next.file, 'HelmRelease', next.name);
  const current = asString(n.located.document.getIn(['spec', 'values', 'defaultRevision']));
  if (current !== next.revision) {
    editor.add(
      next.file,
      current
        ? replaceScalar(n.text, next.file, n.located, ['spec', 'values', 'defaultRevision'], next.revision)
        : insertMapEntry(n.text, next.file, n.located, ['spec', 'values'], 'defaultRevision', next.revision),
    );
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
