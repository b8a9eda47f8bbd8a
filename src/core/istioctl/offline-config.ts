// The three offline kube-inject inputs (inject config, values, mesh config) for a target Istio version,
// rendered with that version's `istioctl manifest generate`, and the native sidecar choice that goes with them.
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { FileFormatError, InvalidInputError, IstioctlError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { istioctlVersion, manifestGenerate } from './runner.js';
import {
  DEFAULT_REVISION,
  NATIVE_SIDECARS_ENV,
  controlPlaneConfigMapNames,
  nativeSidecarsFor,
} from './version-rules.js';

export { nativeSidecarsFor } from './version-rules.js';

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

export interface OfflineInjectConfigOptions {
  binary: string;
  /** Version of `binary`; asked from the binary when absent. */
  version?: string;
  /** Where the three files are written (created if missing). */
  outputDir: string;
  /** Control plane revision; absent or `default` means the default revision. */
  revision?: string;
  /** IstioOperator files laid under everything else (the repo's own control plane values). */
  baseOperatorFiles?: readonly string[];
  /** Helm values of the istiod chart (what `helm install istiod -f` takes). */
  valuesFile?: string;
  /** An IstioOperator file, overlaid after the values file. */
  operatorFile?: string;
  /**
   * Absent: the control plane's explicit ENABLE_NATIVE_SIDECARS, else off (what plain offline istioctl does).
   * `auto`: the control plane's explicit setting, else the webhook default for kubernetesVersion.
   */
  nativeSidecars?: NativeSidecarsChoice;
  /** The cluster's Kubernetes version (1.33), for `auto`. */
  kubernetesVersion?: string;
  timeoutMs?: number;
  logger?: Logger;
}

export interface OfflineInjectConfig {
  binary: string;
  version: string;
  /** The revision the files were rendered for; undefined for the default revision. */
  revision: string | undefined;
  injectConfigFile: string;
  valuesFile: string;
  meshConfigFile: string;
  /** `{hub}/{image}:{tag}` from the rendered values, e.g. docker.io/istio/proxyv2:1.31.0. */
  proxyImage: string;
  nativeSidecars: boolean;
  /** Why nativeSidecars has its value, for logs and summaries. */
  nativeSidecarsReason: string;
}

export const OFFLINE_FILE_NAMES = {
  injectConfig: 'inject-config.yaml',
  values: 'values.json',
  meshConfig: 'mesh-config.yaml',
} as const;

interface ManifestObject {
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

interface IstioValues {
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

/** ENABLE_NATIVE_SIDECARS as the rendered istiod Deployment sets it, if it does. */
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

/** Wraps Helm values of the istiod chart as an IstioOperator, the only input manifest generate takes. */
async function valuesAsOperatorFile(valuesFile: string, workDir: string): Promise<string> {
  let values: unknown;
  try {
    values = parseYaml(await readFile(valuesFile, 'utf8'));
  } catch (error) {
    throw new FileFormatError(`cannot read the values file: ${(error as Error).message}`, {
      file: valuesFile,
      hint: 'Give a YAML file of Helm values for the istiod chart.',
      cause: error,
    });
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new FileFormatError('the values file is not a YAML mapping', {
      file: valuesFile,
      hint: 'Give a YAML file of Helm values for the istiod chart.',
    });
  }
  if ((values as { kind?: unknown }).kind === 'IstioOperator') {
    throw new InvalidInputError('the values file holds an IstioOperator', {
      file: valuesFile,
      hint: 'Pass IstioOperator files as the operator file; the values file takes Helm values.',
    });
  }
  const wrapped = join(workDir, 'values-operator.yaml');
  const operator = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { values } };
  await writeFile(wrapped, stringifyYaml(operator));
  return wrapped;
}

function configMapKey(maps: ManifestObject[], name: string, key: string, version: string): string {
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

/** Writes all files, or none: each goes to a temp name first and is renamed only when all are written. */
async function writeAllOrNothing(files: { path: string; content: string }[]): Promise<void> {
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const file of files) await writeFile(file.path + suffix, file.content);
  } catch (error) {
    await Promise.all(files.map((f) => rm(f.path + suffix, { force: true })));
    throw error;
  }
  for (const file of files) await rename(file.path + suffix, file.path);
}

/**
 * Renders the istiod configuration of `binary`'s version offline and writes the inject config, values and
 * mesh config that `istioctl kube-inject` needs without a cluster. Spread the result into kubeInject().
 */
export async function generateOfflineInjectConfig(
  options: OfflineInjectConfigOptions,
): Promise<OfflineInjectConfig> {
  const logger = options.logger ?? silentLogger;
  const version =
    options.version ?? (await istioctlVersion(options.binary, { timeoutMs: options.timeoutMs }));
  const requested = options.revision && options.revision !== DEFAULT_REVISION ? options.revision : undefined;
  const workDir = await mkdtemp(join(tmpdir(), 'istio-offline-config-'));
  let manifest: string;
  try {
    const files: string[] = [...(options.baseOperatorFiles ?? [])];
    if (options.valuesFile) files.push(await valuesAsOperatorFile(options.valuesFile, workDir));
    if (options.operatorFile) files.push(options.operatorFile);
    const generated = await manifestGenerate({
      binary: options.binary,
      files,
      revision: requested,
      // values.revision wins over --revision and spec.revision, so a requested revision must be set there too.
      setFlags: requested ? [`values.revision=${requested}`] : [],
      timeoutMs: options.timeoutMs,
    });
    manifest = generated.manifest;
    for (const message of generated.messages) logger.debug(`istioctl manifest generate: ${message}`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const objects = manifestObjectsOfKind(manifest, ['ConfigMap', 'Deployment']);
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
  const injectors = configMaps.filter((m) =>
    String(m.metadata?.name ?? '').startsWith('istio-sidecar-injector'),
  );
  if (injectors.length !== 1) {
    throw new IstioctlError(
      `istioctl ${version} manifest generate rendered ${injectors.length} sidecar injector ConfigMaps, expected one`,
      { hint: 'Check that the profile and values install exactly one istiod.' },
    );
  }
  const injectorName = String(injectors[0]?.metadata?.name);
  const valuesJson = configMapKey(configMaps, injectorName, 'values', version);
  let values: IstioValues;
  try {
    values = JSON.parse(valuesJson) as IstioValues;
  } catch (error) {
    throw new IstioctlError(`the values in ConfigMap ${injectorName} are not JSON`, {
      hint: 'This istioctl version renders an unexpected injector ConfigMap; report it with the version.',
      cause: error,
    });
  }
  // The files may set a revision of their own; the rendered values say which one won.
  const renderedRevision =
    typeof values.revision === 'string' && values.revision !== '' && values.revision !== DEFAULT_REVISION
      ? values.revision
      : undefined;
  const names = controlPlaneConfigMapNames(renderedRevision);
  const injectConfig = configMapKey(configMaps, names.injector, 'config', version);
  const meshConfig = configMapKey(configMaps, names.mesh, 'mesh', version);

  const native = chooseNativeSidecars(
    options.nativeSidecars,
    controlPlaneNativeSidecars(objects, renderedRevision),
    version,
    options.kubernetesVersion,
  );

  const outputDir = resolve(options.outputDir);
  await mkdir(outputDir, { recursive: true });
  const paths = {
    injectConfigFile: join(outputDir, OFFLINE_FILE_NAMES.injectConfig),
    valuesFile: join(outputDir, OFFLINE_FILE_NAMES.values),
    meshConfigFile: join(outputDir, OFFLINE_FILE_NAMES.meshConfig),
  };
  await writeAllOrNothing([
    { path: paths.injectConfigFile, content: injectConfig },
    { path: paths.valuesFile, content: valuesJson },
    { path: paths.meshConfigFile, content: meshConfig },
  ]);
  const proxyImage = proxyImageFromValues(values);
  logger.info(
    `offline inject config for Istio ${version}${renderedRevision ? ` revision ${renderedRevision}` : ''}: ` +
      `proxy ${proxyImage}, native sidecars ${native.nativeSidecars ? 'on' : 'off'} (${native.reason})`,
  );
  return {
    binary: options.binary,
    version,
    revision: renderedRevision,
    ...paths,
    proxyImage,
    nativeSidecars: native.nativeSidecars,
    nativeSidecarsReason: native.reason,
  };
}
