// What a run renders with: the istioctl binary (given, or installed at the wanted or running
// version), the one of each revision whose control plane runs another version, and each revision's
// injection config, generated once in its own scratch directory.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { istioctlVersion } from '../istioctl/runner.js';
import type { Logger } from '../logger.js';
import { controlPlaneVersionFor } from '../mesh/running-version.js';
import { injectConfig, type InjectConfig } from './inject-config.js';
import { fileDigest, memo } from './injection-cache.js';
import type { RepoMesh } from './repo-mesh.js';
import { revisionIstioctl, type RevisionIstioctl } from './revision-istioctl.js';
import type { RenderSidecarsDeps, RenderSidecarsOptions } from './types.js';

export interface RenderTools {
  /** The istioctl of a revision: the run's, unless its control plane runs another version. */
  istioctlFor(revision: string | undefined): Promise<RevisionIstioctl>;
  /** A revision's injection config, generated on first ask. */
  configFor(revision: string | undefined): Promise<InjectConfig>;
}

export interface RenderToolsSetup {
  options: RenderSidecarsOptions;
  deps: RenderSidecarsDeps;
  /** The run's istioctl (resolveIstioctl). */
  run: RevisionIstioctl;
  revision: string | undefined;
  repoMesh: RepoMesh | undefined;
  scratch: string;
  cacheDir: string | undefined;
  logger: Logger;
}

export function renderTools(setup: RenderToolsSetup): RenderTools {
  const { options, run, revision, repoMesh, scratch, cacheDir, logger } = setup;
  const context = {
    binary: run.binary,
    binaryDigest: run.digest,
    version: run.version,
    scratch,
    cacheDir,
    logger,
  };
  // A revision whose control plane runs another Istio version is rendered by that version's istioctl.
  const istioctlFor = revisionIstioctl(
    run,
    revision,
    options.pinRevision ? undefined : repoMesh,
    setup.deps,
    cacheDir,
    logger,
  );
  // Each revision's injection config is generated once, in its own scratch directory.
  const configs = new Map<string, Promise<InjectConfig>>();
  const configFor = (rev: string | undefined): Promise<InjectConfig> => {
    const name = rev ?? 'default';
    let known = configs.get(name);
    if (!known) {
      known = (async () => {
        const dir = rev === revision ? scratch : join(scratch, `revision-${name}`);
        if (dir !== scratch) await mkdir(dir, { recursive: true });
        const values = rev === revision ? repoMesh?.values : repoMesh?.valuesFor(rev);
        const own = await istioctlFor(rev);
        return injectConfig(options, {
          ...context,
          binary: own.binary,
          version: own.version,
          binaryDigest: own.digest,
          revision: rev,
          scratch: dir,
          ...(values ? { repoValues: values } : {}),
        });
      })();
      configs.set(name, known);
    }
    return known;
  };
  return { istioctlFor, configFor };
}

/** The run's istioctl: the given binary (checked against `version`), else the one installed. */
export async function resolveIstioctl(
  options: RenderSidecarsOptions,
  revision: string | undefined,
  deps: RenderSidecarsDeps,
  cacheDir: string | undefined,
  logger: Logger,
): Promise<RevisionIstioctl> {
  if (options.istioctl) {
    const digest = cacheDir ? fileDigest(cacheDir, options.istioctl) : 'uncached';
    const actual = await binaryVersion(options.istioctl, digest, cacheDir);
    const wanted = options.version?.replace(/^v/, '');
    if (wanted && /^\d+\.\d+\.\d+/.test(actual) && actual !== wanted) {
      throw new InvalidInputError(`istioctl at ${options.istioctl} is ${actual}, not ${options.version}`, {
        input: 'version',
        hint: 'Point istioctl at a binary of that version, or leave istioctl empty to install it.',
      });
    }
    return { binary: options.istioctl, version: actual, digest };
  }
  const version =
    options.version?.replace(/^v/, '') ?? (await controlPlaneVersionFor(options.workspace, revision, logger));
  if (!deps.installIstioctl)
    throw new InvalidInputError('no istioctl binary was given and none can be installed here', {
      input: 'istioctl',
      hint: 'Set the istioctl input to a binary path.',
    });
  const binary = await deps.installIstioctl(version);
  return { binary, version, digest: cacheDir ? fileDigest(cacheDir, binary) : 'uncached' };
}

/** What the binary says its version is, asked once per binary content. */
async function binaryVersion(binary: string, digest: string, cacheDir: string | undefined): Promise<string> {
  if (!cacheDir) return istioctlVersion(binary);
  const remembered = memo<string>(cacheDir, `istioctl-version-${digest}`);
  const known = remembered.get();
  if (typeof known === 'string') return known;
  const version = await istioctlVersion(binary);
  remembered.set(version);
  return version;
}
