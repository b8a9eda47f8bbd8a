// Whether injected sidecars are native (init containers with restartPolicy Always): the setting as
// users spell it, and the choice from it, the rendered control plane and the Kubernetes version.
import { InvalidInputError } from '../errors.js';
import type { ManifestObject } from './manifest-objects.js';
import { NATIVE_SIDECARS_ENV, nativeSidecarsFor } from './version-rules.js';

/** `true`/`false` force the layout; `auto` does what the in-cluster webhook would do (needs kubernetesVersion). */
export type NativeSidecarsChoice = boolean | 'auto';

/**
 * The native-sidecars setting as inputs, flags and the repo config spell it: `keep` (each workload
 * keeps the mode it has; a new sidecar gets the control plane's), `auto`, `true` or `false`.
 */
export const NATIVE_SIDECARS_SETTINGS = ['keep', 'auto', 'true', 'false'] as const;

/** The choice a setting means; `keep` is no choice (undefined), which the inject core keeps per workload. */
export function nativeSidecarsChoice(
  setting: (typeof NATIVE_SIDECARS_SETTINGS)[number] | undefined,
): NativeSidecarsChoice | undefined {
  return setting === 'true' ? true : setting === 'false' ? false : setting === 'auto' ? 'auto' : undefined;
}

export /** ENABLE_NATIVE_SIDECARS as the rendered istiod Deployment sets it, if it does. */
function controlPlaneNativeSidecars(
  objects: ManifestObject[],
  revision: string | undefined,
): string | undefined {
  const name = revision ? `istiod-${revision}` : 'istiod';
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === name);
  const spec = deployment?.spec as
    | {
        template?: {
          spec?: { containers?: { name?: string; env?: { name?: string; value?: unknown }[] }[] };
        };
      }
    | undefined;
  for (const container of spec?.template?.spec?.containers ?? []) {
    const entry = container.env?.find((e) => e.name === NATIVE_SIDECARS_ENV);
    if (entry && typeof entry.value === 'string') return entry.value;
  }
  return undefined;
}

export function chooseNativeSidecars(
  choice: NativeSidecarsChoice | undefined,
  controlPlaneSetting: string | undefined,
  istioVersion: string,
  kubernetesVersion: string | undefined,
): { nativeSidecars: boolean; reason: string } {
  if (typeof choice === 'boolean')
    return { nativeSidecars: choice, reason: `nativeSidecars set to ${choice}` };
  if (controlPlaneSetting === 'true' || controlPlaneSetting === 'false') {
    return {
      nativeSidecars: controlPlaneSetting === 'true',
      reason: `the control plane sets ${NATIVE_SIDECARS_ENV}=${controlPlaneSetting}`,
    };
  }
  if (choice === 'auto') {
    if (!kubernetesVersion) {
      throw new InvalidInputError('native sidecars are set to auto but the Kubernetes version is not known', {
        input: 'kubernetes-version',
        hint: 'Give the cluster version (e.g. 1.33), or set native sidecars to true or false.',
      });
    }
    const on = nativeSidecarsFor(kubernetesVersion, istioVersion);
    return {
      nativeSidecars: on,
      reason: `Istio ${istioVersion} on Kubernetes ${kubernetesVersion} ${on ? 'injects' : 'does not inject'} native sidecars by default`,
    };
  }
  return { nativeSidecars: false, reason: 'not requested (offline istioctl default)' };
}
