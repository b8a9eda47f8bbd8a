// Reading what `istioctl manifest generate` rendered: its objects of some kinds, a ConfigMap key, and
// the sidecar image the injector's values name.
import { parse as parseYaml } from 'yaml';
import { IstioctlError } from '../errors.js';

export interface ManifestObject {
  kind?: unknown;
  metadata?: { name?: unknown };
  data?: Record<string, unknown>;
  spec?: unknown;
}

/** The documents of a rendered manifest whose kind is one of `kinds`; others are not parsed at all. */
export function manifestObjectsOfKind(manifest: string, kinds: readonly string[]): ManifestObject[] {
  const wanted = new RegExp(`^kind:\\s*(?:${kinds.join('|')})\\s*$`, 'm');
  const objects: ManifestObject[] = [];
  // manifest generate separates documents with `---` lines; block scalars are indented, so never hold one.
  for (const document of manifest.split(/^---\s*$/m)) {
    if (!wanted.test(document)) continue;
    const parsed = parseYaml(document) as unknown;
    if (parsed && typeof parsed === 'object') objects.push(parsed as ManifestObject);
  }
  return objects;
}

export interface IstioValues {
  revision?: unknown;
  global?: {
    hub?: unknown;
    tag?: unknown;
    variant?: unknown;
    proxy?: { image?: unknown };
  };
}

const KNOWN_IMAGE_VARIANTS = ['distroless', 'debug'];

/** The sidecar image the injector renders from `values` (mirrors istio's ProxyImage: hub, image, tag, variant). */
export function proxyImageFromValues(values: IstioValues): string {
  const global = values.global ?? {};
  const image =
    typeof global.proxy?.image === 'string' && global.proxy.image !== '' ? global.proxy.image : 'proxyv2';
  if (image.includes('/')) return image;
  let tag = global.tag === undefined || global.tag === null ? '' : String(global.tag);
  const variant = typeof global.variant === 'string' ? global.variant : '';
  if (variant !== '') {
    const known = KNOWN_IMAGE_VARIANTS.find((v) => tag.endsWith(`-${v}`));
    if (known) tag = tag.slice(0, -(known.length + 1));
    if (variant !== 'default') tag = `${tag}-${variant}`;
  }
  return `${String(global.hub ?? '')}/${image}:${tag}`;
}

export function configMapKey(maps: ManifestObject[], name: string, key: string, version: string): string {
  const map = maps.find((m) => m.metadata?.name === name);
  const value = map?.data?.[key];
  if (typeof value !== 'string') {
    throw new IstioctlError(
      `istioctl ${version} manifest generate rendered no ConfigMap ${name} with key '${key}'`,
      { hint: 'Check that the profile and values install istiod (the empty and remote profiles do not).' },
    );
  }
  return value;
}
