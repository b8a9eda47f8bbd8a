// Finds what the repo deploys and groups it into clusters: Flux Kustomizations (a Flux cluster dir),
// Argo CD Applications with a path (their destination), kustomize dirs no other kustomization
// includes (one per overlay), and directories of plain manifests.
import { posix } from 'node:path';
import { asArray, asRecord, asString, lineAtPath, objectIdentity, type SourceDocument } from './documents.js';
import { joinPath, KUSTOMIZATION_FILES, normalizeRepoPath, type RepoFiles } from './repo-files.js';
import type { FluxSettings, MeshRoot, MeshWarning, SubstitutionSource } from './types.js';

/** The cluster of roots that are neither Flux nor Argo CD and have no overlay of their own. */
export const PLAIN_CLUSTER = 'default';

export interface RootDiscovery {
  roots: MeshRoot[];
  warnings: MeshWarning[];
}

/** Kustomization fields that name other directories or files kustomize reads. */
const REFERENCE_FIELDS = ['resources', 'bases', 'components'] as const;

export function discoverRoots(files: RepoFiles): RootDiscovery {
  const warnings: MeshWarning[] = [];
  const chartDirs = files.paths
    .filter((p) => posix.basename(p) === 'Chart.yaml')
    .map((p) => posix.dirname(p));
  const inChart = (path: string) => chartDirs.some((dir) => dir === '.' || path.startsWith(`${dir}/`));
  const { kustomizationDirs, included, declared } = scanRepo(files, inChart, warnings);

  const declaredPaths = new Set(declared.map((r) => r.path));
  const generated = declared.filter((r) => !r.kustomization).map((r) => r.path);
  const underGenerated = (dir: string) => generated.some((p) => p === '.' || dir.startsWith(`${p}/`));
  const kustomizeRoots: MeshRoot[] = [...kustomizationDirs]
    .filter((dir) => !included.has(dir) && !declaredPaths.has(dir) && !underGenerated(dir))
    .sort()
    .map((dir) => ({
      id: `kustomize:${dir}`,
      kind: 'kustomize',
      path: dir,
      cluster: dir,
      kustomization: true,
    }));

  const covering = [...kustomizationDirs, ...declaredPaths];
  const covered = (path: string) =>
    covering.some((dir) => dir === '.' || path === dir || path.startsWith(`${dir}/`));
  const plainRoots = plainRootsOf(files, (path) => inChart(path) || covered(path));
  nestUnderDeclared(files, declared, kustomizationDirs, inChart);
  for (const error of files.parseErrors) warnings.push({ message: `skipped a YAML document: ${error}` });
  return { roots: [...declared, ...kustomizeRoots, ...plainRoots], warnings };
}

/** The kustomization directories, the ones another kustomization includes, and the declared roots. */
function scanRepo(files: RepoFiles, inChart: (path: string) => boolean, warnings: MeshWarning[]) {
  const kustomizationDirs = new Set<string>();
  const included = new Set<string>();
  const declared: MeshRoot[] = [];
  for (const path of files.paths) {
    if (isIgnoredPath(path) || inChart(path)) continue;
    const dir = posix.dirname(path);
    if ((KUSTOMIZATION_FILES as readonly string[]).includes(posix.basename(path))) {
      kustomizationDirs.add(dir);
      for (const ref of kustomizationReferences(files, path)) if (files.isDirectory(ref)) included.add(ref);
      continue;
    }
    const text = files.text(path);
    if (!text || !/^\s*kind:\s*(Kustomization|Application)\b/m.test(text)) continue;
    for (const doc of files.documents(path)) {
      const flux = fluxRoot(doc, files, warnings);
      if (flux) declared.push(flux);
      declared.push(...argoRoots(doc, files, warnings));
    }
  }
  return { kustomizationDirs, included, declared };
}

/** Directories of plain manifests no other root covers, one root each. */
function plainRootsOf(files: RepoFiles, skip: (path: string) => boolean): MeshRoot[] {
  const plainByDir = new Map<string, string[]>();
  for (const path of files.paths) {
    if (isIgnoredPath(path) || skip(path)) continue;
    if (!files.documents(path).some((d) => objectIdentity(d.value))) continue;
    const dir = posix.dirname(path);
    plainByDir.set(dir, [...(plainByDir.get(dir) ?? []), path]);
  }
  return [...plainByDir.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dir, paths]) => ({
      id: `plain:${dir}`,
      kind: 'plain',
      path: dir,
      cluster: PLAIN_CLUSTER,
      kustomization: false,
      files: paths,
    }));
}

/** A declared root without a kustomization: the kustomizations under it and its plain files. */
function nestUnderDeclared(
  files: RepoFiles,
  declared: readonly MeshRoot[],
  kustomizationDirs: ReadonlySet<string>,
  inChart: (path: string) => boolean,
): void {
  for (const root of declared) {
    if (root.kustomization) continue;
    const under = (dir: string) => root.path === '.' || dir.startsWith(`${root.path}/`);
    const nested = [...kustomizationDirs].filter(under).sort();
    root.nested = nested.filter(
      (dir) => !nested.some((other) => other !== dir && dir.startsWith(`${other}/`)),
    );
    const inNested = (p: string) => root.nested!.some((dir) => p.startsWith(`${dir}/`));
    root.files = plainFilesUnder(files, root.path, (p) => inChart(p) || inNested(p));
  }
}

/** CI workflows and dependency folders are never deployed. */
function isIgnoredPath(path: string): boolean {
  return /(^|\/)(\.github|node_modules|\.git)\//.test(path);
}

/** Local directories and files a kustomization refers to, workspace-relative. */
export function kustomizationReferences(files: RepoFiles, kustomizationPath: string): string[] {
  const dir = posix.dirname(kustomizationPath);
  const doc = files.documents(kustomizationPath)[0];
  const body = asRecord(doc?.value);
  if (!body) return [];
  const refs: string[] = [];
  for (const field of REFERENCE_FIELDS) {
    for (const entry of asArray(body[field])) {
      const ref = asString(entry);
      if (!ref || isRemoteReference(ref)) continue;
      const resolved = normalizeRepoPath(joinPath(dir, ref));
      if (resolved) refs.push(resolved);
    }
  }
  return refs;
}

/** kustomize fetches these over the network; the mesh model never lets a repo make it do that. */
export function isRemoteReference(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(ref)
  );
}

function location(doc: SourceDocument, path: (string | number)[] = []): { file: string; line: number } {
  return { file: doc.file, line: lineAtPath(doc, path) ?? doc.line };
}

function fluxRoot(doc: SourceDocument, files: RepoFiles, warnings: MeshWarning[]): MeshRoot | undefined {
  const id = objectIdentity(doc.value);
  if (!id || id.kind !== 'Kustomization' || !id.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/'))
    return undefined;
  const spec = asRecord(asRecord(doc.value)?.spec) ?? {};
  const path = normalizeRepoPath(asString(spec.path) ?? '.');
  const where = location(doc, ['spec', 'path']);
  if (!path || !files.isDirectory(path)) {
    warnings.push({
      ...where,
      message: `Flux Kustomization ${id.name} deploys '${asString(spec.path) ?? ''}', which is not a directory of this repository; it is left out of the mesh model`,
    });
    return undefined;
  }
  const namespace = id.namespace ?? 'flux-system';
  const postBuild = asRecord(spec.postBuild) ?? {};
  const substitute = Object.entries(asRecord(postBuild.substitute) ?? {}).map(([name, value]) => ({
    name,
    value: asString(value) ?? String(value),
    source: location(doc, ['spec', 'postBuild', 'substitute', name]),
  }));
  const substituteFrom: SubstitutionSource[] = asArray(postBuild.substituteFrom).flatMap((entry, index) => {
    const ref = asRecord(entry);
    const kind = asString(ref?.kind);
    const name = asString(ref?.name);
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || !name) return [];
    return [
      {
        kind,
        name,
        optional: ref?.optional === true,
        source: location(doc, ['spec', 'postBuild', 'substituteFrom', index]),
      },
    ];
  });
  const flux: FluxSettings = {
    namespace,
    substitute,
    substituteFrom,
    patches: asArray(spec.patches),
    images: asArray(spec.images),
    components: asArray(spec.components)
      .map((c) => asString(c) ?? '')
      .filter(Boolean),
    ...(asString(spec.targetNamespace) ? { targetNamespace: asString(spec.targetNamespace) } : {}),
    ...(asString(spec.namePrefix) ? { namePrefix: asString(spec.namePrefix) } : {}),
    ...(asString(spec.nameSuffix) ? { nameSuffix: asString(spec.nameSuffix) } : {}),
  };
  return {
    id: `flux:${path}@${namespace}/${id.name}`,
    kind: 'flux',
    path,
    cluster: fluxClusterOf(files, doc.file),
    declaredBy: { kind: 'Kustomization', name: id.name, namespace, source: location(doc) },
    kustomization: files.kustomizationIn(path) !== undefined,
    flux,
  };
}

/** The nearest directory above the declaring file that holds `flux-system/`: the Flux cluster dir. */
function fluxClusterOf(files: RepoFiles, declaringFile: string): string {
  let dir = posix.dirname(declaringFile);
  for (;;) {
    if (posix.basename(dir) !== 'flux-system' && files.isDirectory(joinPath(dir, 'flux-system'))) return dir;
    if (dir === '.' || dir === '') break;
    dir = posix.dirname(dir);
  }
  return posix.dirname(declaringFile);
}

function argoRoots(doc: SourceDocument, files: RepoFiles, warnings: MeshWarning[]): MeshRoot[] {
  const id = objectIdentity(doc.value);
  if (!id || id.kind !== 'Application' || !id.apiVersion.startsWith('argoproj.io/')) return [];
  const spec = asRecord(asRecord(doc.value)?.spec) ?? {};
  const destination = asRecord(spec.destination) ?? {};
  const cluster = asString(destination.name) ?? asString(destination.server) ?? 'in-cluster';
  const single = asRecord(spec.source);
  const sources = single ? [single] : asArray(spec.sources).map(asRecord);
  const roots: MeshRoot[] = [];
  sources.forEach((source, index) => {
    const raw = asString(source?.path);
    // Chart sources and `ref: values` sources are values, read by the values sources, not rendered.
    if (!source || raw === undefined || source.chart !== undefined) return;
    const fieldPath = single ? ['spec', 'source', 'path'] : ['spec', 'sources', index, 'path'];
    const path = normalizeRepoPath(raw);
    if (!path || !files.isDirectory(path)) {
      warnings.push({
        ...location(doc, fieldPath),
        message: `Argo CD Application ${id.name} deploys '${raw}', which is not a directory of this repository; it is left out of the mesh model`,
      });
      return;
    }
    if (files.text(joinPath(path, 'Chart.yaml')) !== undefined) return;
    roots.push({
      id: `argocd:${path}@${id.namespace ?? 'argocd'}/${id.name}`,
      kind: 'argocd',
      path,
      cluster,
      declaredBy: { kind: 'Application', name: id.name, namespace: id.namespace, source: location(doc) },
      kustomization: files.kustomizationIn(path) !== undefined,
    });
  });
  return roots;
}

/** A Flux or Argo CD path without a kustomization: every manifest under it, as Flux generates one. */
function plainFilesUnder(files: RepoFiles, dir: string, inChart: (p: string) => boolean): string[] {
  return files.paths.filter(
    (p) =>
      (dir === '.' || p.startsWith(`${dir}/`)) &&
      !isIgnoredPath(p) &&
      !inChart(p) &&
      files.documents(p).some((d) => objectIdentity(d.value)),
  );
}
