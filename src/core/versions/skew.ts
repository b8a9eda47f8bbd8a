// Version skew rules: control plane against data plane, and Istio minors against Kubernetes versions.
import { istioVersionOf, type VersionInput } from './parse.js';

export interface SkewCheck {
  ok: boolean;
  /** Minors the control plane is ahead of the data plane (negative: behind). */
  minorsAhead: number;
  message: string;
}

/** The control plane may be one minor ahead of the data plane (proxies, ztunnel, CNI), never behind. */
export function checkControlPlaneSkew(controlPlane: VersionInput, dataPlane: VersionInput): SkewCheck {
  const cp = istioVersionOf(controlPlane);
  const dp = istioVersionOf(dataPlane);
  if (!cp || !dp) throw new Error(`not Istio versions: ${textOf(controlPlane)}, ${textOf(dataPlane)}`);
  const minorsAhead = cp.major !== dp.major ? (cp.major - dp.major) * 1000 : cp.minor - dp.minor;
  if (minorsAhead < 0) {
    return {
      ok: false,
      minorsAhead,
      message: `control plane ${cp.version} is behind data plane ${dp.version}; upgrade the control plane first`,
    };
  }
  if (minorsAhead > 1) {
    return {
      ok: false,
      minorsAhead,
      message: `control plane ${cp.version} is ${minorsAhead} minors ahead of data plane ${dp.version}; Istio supports one`,
    };
  }
  return {
    ok: true,
    minorsAhead,
    message: `control plane ${cp.version} and data plane ${dp.version} are within skew`,
  };
}

/** What a minor supports, as plain data (from the support dataset). */
export interface KubernetesSupportData {
  minor: string;
  kubernetes: readonly string[];
}

export interface KubernetesCheck {
  /** undefined when nothing is known about this Istio minor or the Kubernetes version is unreadable. */
  supported: boolean | undefined;
  istioMinor: string;
  kubernetesMinor?: string;
  supportedVersions: readonly string[];
}

/** `v1.33.2`, `1.33`, `1.33.2-eks-1234` -> `1.33`. */
export function kubernetesMinorOf(version: string): string | undefined {
  const match = /^v?(\d+)\.(\d+)(?:[.+-].*)?$/.exec(version.trim());
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
}

export function checkKubernetesSupport(
  istioVersion: VersionInput,
  kubernetesVersion: string,
  support: readonly KubernetesSupportData[],
): KubernetesCheck {
  const parsed = istioVersionOf(istioVersion);
  if (!parsed) throw new Error(`not an Istio version: ${textOf(istioVersion)}`);
  const istioMinor = `${parsed.major}.${parsed.minor}`;
  const kubernetesMinor = kubernetesMinorOf(kubernetesVersion);
  const supportedVersions = support.find((s) => s.minor === istioMinor)?.kubernetes ?? [];
  const known = supportedVersions.length > 0 && kubernetesMinor !== undefined;
  return {
    supported: known ? supportedVersions.includes(kubernetesMinor) : undefined,
    istioMinor,
    kubernetesMinor,
    supportedVersions,
  };
}

function textOf(version: VersionInput): string {
  return typeof version === 'string' ? version : version.version;
}
