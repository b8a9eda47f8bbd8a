// Where istioctl and Istio behave differently by version: the one place the core asks "which flags, which defaults".
import { InvalidInputError } from '../errors.js';

interface MinorVersion {
  major: number;
  minor: number;
}

/** Reads major.minor from a release (1.28.3), a prerelease (1.31.0-rc.0), a dev build (1.31-dev) or `v1.28`. */
export function minorVersionOf(version: string, input = 'istioctl version'): MinorVersion {
  const match = /^v?(\d+)\.(\d+)(?:[.-]|$)/.exec(version.trim());
  if (!match) {
    throw new InvalidInputError(`'${version}' is not an Istio version`, {
      input,
      hint: 'Give a version such as 1.28.3 (istioctl version --remote=false prints it).',
    });
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** True when `version` is at least `major.minor` (patch and prerelease are ignored). */
export function isAtLeastMinor(version: string, major: number, minor: number): boolean {
  const v = minorVersionOf(version);
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * `istioctl analyze -R`: up to 1.24 directories are walked only with -R; from 1.25 they are always walked
 * and -R makes analyze print a notice and analyze nothing. Returns the arguments to add.
 */
export function analyzeRecursiveFlag(version: string): string[] {
  return isAtLeastMinor(version, 1, 25) ? [] : ['-R'];
}

/**
 * From 1.28 kube-inject resolves the default revision from a cluster unless --revision is given, and
 * with no reachable cluster it hangs (seen with 1.30.4: still waiting after 60s). `--revision default`
 * renders with no revision.
 */
export function injectNeedsRevisionFlag(version: string): boolean {
  return isAtLeastMinor(version, 1, 28);
}

export const DEFAULT_REVISION = 'default';

/** The revision arguments for an offline kube-inject; `default` or empty means the default revision. */
export function injectRevisionArgs(version: string, revision?: string): string[] {
  const named = revision && revision !== DEFAULT_REVISION ? revision : undefined;
  if (named) return ['--revision', named];
  return injectNeedsRevisionFlag(version) ? ['--revision', DEFAULT_REVISION] : [];
}

/** The environment variable istioctl and istiod read to choose native sidecars: true, false or auto. */
export const NATIVE_SIDECARS_ENV = 'ENABLE_NATIVE_SIDECARS';

/** First Istio minor whose webhook injects native sidecars by default (ENABLE_NATIVE_SIDECARS=auto). */
const NATIVE_SIDECARS_DEFAULT_SINCE = { major: 1, minor: 27 } as const;
/** First Kubernetes minor on which `auto` turns native sidecars on (the feature went GA in 1.33). */
const NATIVE_SIDECARS_KUBERNETES_SINCE = { major: 1, minor: 33 } as const;

/**
 * Whether the in-cluster webhook of `istioVersion` injects native sidecars on `kubernetesVersion`, when the
 * control plane leaves ENABLE_NATIVE_SIDECARS at its default. Offline istioctl never does this by itself
 * (it only honours an explicit ENABLE_NATIVE_SIDECARS=true), which is why callers must choose.
 */
export function nativeSidecarsFor(kubernetesVersion: string, istioVersion: string): boolean {
  let kube: MinorVersion;
  try {
    kube = minorVersionOf(kubernetesVersion, 'kubernetes-version');
  } catch {
    throw new InvalidInputError(`'${kubernetesVersion}' is not a Kubernetes version`, {
      input: 'kubernetes-version',
      hint: 'Give the cluster version as major.minor, e.g. 1.33 (kubectl version prints it).',
    });
  }
  const kubeSupports =
    kube.major > NATIVE_SIDECARS_KUBERNETES_SINCE.major ||
    (kube.major === NATIVE_SIDECARS_KUBERNETES_SINCE.major &&
      kube.minor >= NATIVE_SIDECARS_KUBERNETES_SINCE.minor);
  return (
    kubeSupports &&
    isAtLeastMinor(istioVersion, NATIVE_SIDECARS_DEFAULT_SINCE.major, NATIVE_SIDECARS_DEFAULT_SINCE.minor)
  );
}

/** The istioctl process environment that makes offline injection use (or not use) native sidecars. */
export function nativeSidecarsEnv(nativeSidecars: boolean): Record<string, string> {
  return { [NATIVE_SIDECARS_ENV]: nativeSidecars ? 'true' : 'false' };
}

/** ConfigMap names of a control plane revision: the injector's (`config`, `values`) and the mesh's (`mesh`). */
export function controlPlaneConfigMapNames(revision?: string): { injector: string; mesh: string } {
  const suffix = revision && revision !== DEFAULT_REVISION ? `-${revision}` : '';
  return { injector: `istio-sidecar-injector${suffix}`, mesh: `istio${suffix}` };
}
