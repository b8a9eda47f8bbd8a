// The three offline kube-inject inputs (inject config, values, mesh config) for a target Istio version,
// rendered with that version's `istioctl manifest generate`, and the native sidecar choice that goes with them.
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { FileFormatError, InvalidInputError, IstioctlError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import {
  configMapKey,
  manifestObjectsOfKind,
  proxyImageFromValues,
  type IstioValues,
  type ManifestObject,
} from './manifest-objects.js';
import {
  chooseNativeSidecars,
  controlPlaneNativeSidecars,
  type NativeSidecarsChoice,
} from './native-sidecars.js';
import { istioctlVersion, manifestGenerate } from './runner.js';
import { DEFAULT_REVISION, controlPlaneConfigMapNames } from './version-rules.js';

export { manifestObjectsOfKind, proxyImageFromValues } from './manifest-objects.js';
export {
  NATIVE_SIDECARS_SETTINGS,
  chooseNativeSidecars,
  nativeSidecarsChoice,
  type NativeSidecarsChoice,
} from './native-sidecars.js';

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
  const manifest = await renderControlPlane(options, requested, logger);
  const objects = manifestObjectsOfKind(manifest, ['ConfigMap', 'Deployment']);
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
  const { values, valuesJson } = injectorValues(configMaps, version);
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

/** `istioctl manifest generate` over the base operator files, the values (wrapped) and the operator file. */
async function renderControlPlane(
  options: OfflineInjectConfigOptions,
  requested: string | undefined,
  logger: Logger,
): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'istio-offline-config-'));
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
    for (const message of generated.messages) logger.debug(`istioctl manifest generate: ${message}`);
    return generated.manifest;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The one sidecar injector ConfigMap's values, as JSON text and parsed. */
function injectorValues(
  configMaps: ManifestObject[],
  version: string,
): { values: IstioValues; valuesJson: string } {
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
  try {
    return { values: JSON.parse(valuesJson) as IstioValues, valuesJson };
  } catch (error) {
    throw new IstioctlError(`the values in ConfigMap ${injectorName} are not JSON`, {
      hint: 'This istioctl version renders an unexpected injector ConfigMap; report it with the version.',
      cause: error,
    });
  }
}
