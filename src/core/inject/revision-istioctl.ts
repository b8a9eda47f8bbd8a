// The istioctl that renders a revision's sidecars: the run's, unless the repo's control plane of that
// revision runs another Istio version (an old revision beside a new one), whose own istioctl is
// installed then, so no revision's sidecars run ahead of (or behind) its control plane.
import type { Logger } from '../logger.js';
import { fileDigest } from './injection-cache.js';
import type { RepoMesh } from './repo-mesh.js';
import type { RenderSidecarsDeps } from './types.js';

export interface RevisionIstioctl {
  binary: string;
  version: string;
  digest: string;
}

export function revisionIstioctl(
  run: RevisionIstioctl,
  runRevision: string | undefined,
  /** Undefined when every workload is the run's revision (pinned) or the repo has no model. */
  mesh: RepoMesh | undefined,
  deps: RenderSidecarsDeps,
  cacheDir: string | undefined,
  logger: Logger,
): (revision: string | undefined) => Promise<RevisionIstioctl> {
  const known = new Map<string, Promise<RevisionIstioctl>>();
  return (revision) => {
    if (!mesh || (revision ?? 'default') === (runRevision ?? 'default')) return Promise.resolve(run);
    const own = mesh.revisionVersion(revision);
    if (!own || own === run.version) return Promise.resolve(run);
    let found = known.get(own);
    if (!found) {
      const install = deps.installIstioctl;
      found = install
        ? (async () => {
            logger.info(
              `revision ${revision ?? 'default'} runs Istio ${own}: its sidecars are rendered with istioctl ${own}`,
            );
            const binary = await install(own);
            return { binary, version: own, digest: cacheDir ? fileDigest(cacheDir, binary) : 'uncached' };
          })()
        : Promise.resolve(run).then((r) => {
            // Only a caller that gave one binary and no installer gets here (the pipeline's own step).
            logger.warning(
              `revision ${revision ?? 'default'} runs Istio ${own}, but only istioctl ${r.version} was given; its sidecars are rendered with it`,
            );
            return r;
          });
      known.set(own, found);
    }
    return found;
  };
}
