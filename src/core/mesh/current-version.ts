// The one answer to "which Istio version runs here": control plane versions per cluster and revision,
// and the proxies' versions, all read from the mesh model; a `.istio-version` file is the only other
// place a version is written down, and it is read here too.
import { FileFormatError, InvalidInputError, NotFoundError } from '../errors.js';
import { compareVersions, parseIstioVersion } from '../versions/parse.js';
import { toSemverRange } from '../versions/range.js';
import { readWorkspaceFile, resolveInsideWorkspace } from '../workspace/files.js';
import { lineOfOffset, parseDocuments } from './documents.js';
import type { MeshModel, SourceLocation } from './types.js';

export interface ControlPlaneVersion {
  cluster: string;
  revision: string;
  version: string;
  source?: SourceLocation;
}

/** Every control plane with a known version, by cluster then revision. */
export function controlPlaneVersions(model: MeshModel): ControlPlaneVersion[] {
  return model.clusters.flatMap((cluster) =>
    cluster.controlPlanes.flatMap((plane) =>
      plane.version && parseIstioVersion(plane.version)
        ? [
            {
              cluster: cluster.name,
              revision: plane.revision,
              version: parseIstioVersion(plane.version)!.version,
              ...(plane.source ? { source: plane.source } : {}),
            },
          ]
        : [],
    ),
  );
}

export interface CurrentVersionQuery {
  cluster?: string;
  revision?: string;
  /** Only control planes declared in this workspace-relative file. */
  file?: string;
  /** The input or flag the question came from, for errors. */
  input?: string;
}

/**
 * The version the next hop starts from: the oldest control plane matching the query. Several
 * clusters or revisions may differ (a canary); the oldest is the one an upgrade must respect.
 */
export function currentControlPlaneVersion(
  model: MeshModel,
  query: CurrentVersionQuery = {},
): ControlPlaneVersion {
  const matching = controlPlaneVersions(model).filter(
    (v) =>
      (!query.cluster || v.cluster === query.cluster) &&
      (!query.revision || v.revision === query.revision) &&
      (!query.file || v.source?.file === query.file),
  );
  const oldest = matching.sort((a, b) => compareVersions(a.version, b.version))[0];
  if (oldest) return oldest;
  const scope = [
    query.cluster ? `cluster ${query.cluster}` : '',
    query.revision ? `revision ${query.revision}` : '',
    query.file ? `file ${query.file}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  throw new NotFoundError(
    `the mesh model has no Istio control plane with a version${scope ? ` for ${scope}` : ''}`,
    {
      ...(query.input ? { input: query.input } : {}),
      ...(query.file ? { file: query.file } : {}),
      hint: 'Declare the control plane in the repository (a HelmRelease or Argo CD Application of istiod, an IstioOperator, a Sail Istio, or a .istio-version file), or set the version explicitly.',
    },
  );
}

/** Sidecar versions of the workloads, oldest first, with how many workloads run each. */
export function dataPlaneVersions(
  model: MeshModel,
  cluster?: string,
): { version: string; workloads: number }[] {
  const counts = new Map<string, number>();
  for (const c of model.clusters) {
    if (cluster && c.name !== cluster) continue;
    for (const w of c.workloads)
      if (w.sidecar.version) counts.set(w.sidecar.version, (counts.get(w.sidecar.version) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => compareVersions(a, b))
    .map(([version, workloads]) => ({ version, workloads }));
}

/** True when the file is a plain `.istio-version` style file (its first value line is not a YAML key). */
function isPlainVersionText(text: string): boolean {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  return first === undefined || !/^[^'"]*:(\s|$)/.test(first.replace(/\s+#.*$/, ''));
}

/**
 * A plain version file's version or range (`1.24.2`, `1.24.x`), with its line. Image-variant
 * suffixes such as `-distroless` are dropped; anything else is an error naming file and line.
 */
export function readPlainVersionFile(
  workspace: string,
  path: string,
  input = 'version-file',
): { version: string; file: string; line: number } {
  const text = readText(workspace, path, input);
  const match = /^[ \t]*([^\s#][^#\r\n]*?)[ \t]*(?:#.*)?$/m.exec(
    text.replace(/^(?:[ \t]*(?:#.*)?\r?\n)+/, ''),
  );
  const offset = match ? text.indexOf(match[1]!) : -1;
  if (!match || offset < 0)
    throw new FileFormatError('the file holds no version', {
      file: path,
      line: 1,
      hint: 'Write a version such as 1.24.2.',
    });
  const line = lineOfOffset(text, offset);
  const written = match[1]!.replace(/^['"]|['"]$/g, '');
  const version = written.replace(/-(distroless|debug)$/, '');
  try {
    toSemverRange(version, input);
  } catch {
    throw new FileFormatError(`'${written}' is not an Istio version or range`, {
      file: path,
      line,
      hint: 'Write a version such as 1.24.2 (or a range such as 1.24.x).',
    });
  }
  return { version, file: path, line };
}

/** Reads a workspace file as text through the workspace boundary; errors name the input. */
function readText(workspace: string, path: string, input: string): string {
  let result;
  try {
    resolveInsideWorkspace(workspace, path);
    result = readWorkspaceFile(workspace, path);
  } catch (error) {
    throw new InvalidInputError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        input,
        hint: 'The path is relative to the workspace; check out the repository before this step.',
        cause: error,
      },
    );
  }
  if (result.status !== 'ok')
    throw new InvalidInputError(`${path} is ${result.status === 'binary' ? 'a binary file' : 'too large'}`, {
      input,
    });
  return result.content.toString('utf8');
}

/**
 * get-istioctl's `version-file`: a plain version file gives its version or range; any other file
 * gives the version of the control plane the mesh model says it declares (after Flux substitution).
 */
export async function versionOfFile(
  workspace: string,
  path: string,
  buildModel: () => Promise<MeshModel>,
  input = 'version-file',
): Promise<{ version: string; file: string; line?: number }> {
  const file = normalizeFile(path);
  const text = readText(workspace, file, input);
  if (isPlainVersionText(text)) return readPlainVersionFile(workspace, file, input);
  const broken = parseDocuments(file, text).firstError;
  if (broken)
    throw new FileFormatError(`broken YAML: ${broken.message}`, {
      file,
      line: broken.line,
      hint: 'Fix the YAML of the version-file; nothing was installed.',
    });
  const model = await buildModel();
  const planes = controlPlaneVersions(model).filter((v) => v.source?.file === file);
  const versions = [...new Set(planes.map((p) => p.version))];
  if (versions.length > 1)
    throw new FileFormatError(
      `control planes in this file disagree: ${versions.sort(compareVersions).join(', ')}`,
      {
        input,
        file,
        hint: 'Make them agree, or use the version input instead.',
      },
    );
  const found = currentControlPlaneVersion(model, { file, input });
  return { version: found.version, file, ...(found.source ? { line: found.source.line } : {}) };
}

function normalizeFile(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}
