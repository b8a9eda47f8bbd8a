// What check-istio-release and `istio-autopilot check` start from when no version is given: the
// oldest control plane of the mesh model (or the one `version-file` declares) and its oldest proxy.
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { globMatcher } from '../workspace/files.js';
import { controlPlaneVersions, dataPlaneVersions, versionOfFile } from './current-version.js';
import { buildMeshModel } from './model.js';
import { compareVersions } from '../versions/parse.js';

export interface RunningVersion {
  version: string;
  /** Workspace-relative file (and line) that declares it. */
  file: string;
  line?: number;
  /** The oldest sidecar the model finds, for the skew check. */
  dataPlaneVersion?: string;
}

export interface RunningVersionOptions {
  workspace: string;
  /** One file that declares the control plane (a `.istio-version`, a HelmRelease...). */
  versionFile?: string;
  /** Globs: only control planes declared in matching files count. */
  paths?: readonly string[];
  logger?: Logger;
}

export async function readRunningVersion(options: RunningVersionOptions): Promise<RunningVersion> {
  let model: Awaited<ReturnType<typeof buildMeshModel>> | undefined;
  const build = async () => (model ??= await buildMeshModel(options.workspace, { logger: options.logger }));
  if (options.versionFile) {
    const found = await versionOfFile(options.workspace, options.versionFile, build);
    return { ...found };
  }
  const built = await build();
  const wanted = options.paths && options.paths.length > 0 ? globMatcher(options.paths) : () => true;
  const planes = controlPlaneVersions(built)
    .filter((p) => p.source && wanted(p.source.file))
    .sort((a, b) => compareVersions(a.version, b.version));
  const oldest = planes[0];
  if (!oldest?.source) {
    throw new NotFoundError('the mesh model finds no Istio control plane with a version in this repository', {
      input: options.paths?.length ? 'paths' : 'current-version',
      hint: 'Set current-version or version-file, or declare the control plane (HelmRelease, Argo CD Application, IstioOperator, Sail Istio, .istio-version).',
    });
  }
  const proxies = dataPlaneVersions(built);
  return {
    version: oldest.version,
    file: oldest.source.file,
    line: oldest.source.line,
    ...(proxies[0] ? { dataPlaneVersion: proxies[0].version } : {}),
  };
}

export interface VersionInputs {
  workspace: string;
  /** The `version` input: a version, a range or `latest`. */
  version?: string;
  /** The `version-file` input. */
  versionFile?: string;
  logger?: Logger;
}

/**
 * The version (or range) get-istioctl installs: `version`, or what the mesh model says `version-file`
 * declares. Both set is an error, unless `version` is left at `latest`.
 */
export async function resolveVersionInputs(inputs: VersionInputs): Promise<string> {
  const version = inputs.version?.trim();
  if (!inputs.versionFile) return version || 'latest';
  if (version && version !== 'latest') {
    throw new InvalidInputError(`both version ('${version}') and version-file are set`, {
      input: 'version',
      hint: 'Set one of them: version-file is read when version is left at its default (latest).',
    });
  }
  const found = await versionOfFile(inputs.workspace, inputs.versionFile, () =>
    buildMeshModel(inputs.workspace, { logger: inputs.logger }),
  );
  return found.version;
}

/**
 * The one control plane version the model declares (for `revision`, that revision's), for steps that
 * install the matching istioctl. Several versions are an error: the caller must say which.
 */
export async function controlPlaneVersionFor(
  workspace: string,
  revision: string | undefined,
  logger?: Logger,
): Promise<string> {
  const model = await buildMeshModel(workspace, { logger });
  const all = controlPlaneVersions(model);
  const ofRevision = revision ? all.filter((p) => p.revision === revision) : [];
  const chosen = ofRevision.length > 0 ? ofRevision : all;
  const versions = [...new Set(chosen.map((p) => p.version))].sort(compareVersions);
  if (versions.length === 1) return versions[0]!;
  throw new InvalidInputError(
    versions.length === 0
      ? 'the mesh model finds no control plane version in the repository'
      : `the repository declares several control plane versions: ${chosen.map((p) => `${p.version} (cluster ${p.cluster}, revision ${p.revision})`).join(', ')}`,
    { input: 'version', hint: 'Set the version input (or the revision whose control plane to use).' },
  );
}
