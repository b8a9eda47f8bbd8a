// The injection config of a run: the offline files kube-inject reads (given, or generated from the
// control plane's values by `istioctl manifest generate`, remembered per input), and the one key that
// names them all for the injection cache.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { FileFormatError, InvalidInputError, IstioctlError } from '../errors.js';
import {
  chooseNativeSidecars,
  generateOfflineInjectConfig,
  OFFLINE_FILE_NAMES,
  proxyImageFromValues,
} from '../istioctl/offline-config.js';
import type { Logger } from '../logger.js';
import type { InjectionValues } from '../mesh/injection-values.js';
import { resolveInsideWorkspace } from '../workspace/files.js';
import { memo, sha256 } from './injection-cache.js';
import type { RenderSidecarsOptions } from './types.js';

export interface InjectConfig {
  injectConfigFile: string;
  meshConfigFile?: string;
  valuesFile?: string;
  operatorFile?: string;
  nativeSidecars: boolean;
  proxyImage: string;
  /** Hash of everything that decides kube-inject's output besides the document. */
  key: string;
}

export interface InjectConfigContext {
  binary: string;
  /** Content hash of the binary (a rebuilt istioctl of the same version is another injector). */
  binaryDigest: string;
  version: string;
  revision: string | undefined;
  scratch: string;
  /** Where generated configs are remembered; undefined: always generate. */
  cacheDir: string | undefined;
  /** The revision's values as the repo declares them: the lowest layer, under values-file and operator-file. */
  repoValues?: InjectionValues;
  logger: Logger;
}

interface GeneratedConfig {
  injectConfig: string;
  values: string;
  meshConfig: string;
  nativeSidecars: boolean;
  proxyImage: string;
}

const readOptional = (path: string | undefined) => (path ? readFileSync(path) : Buffer.alloc(0));

function insideWorkspace(options: RenderSidecarsOptions, path: string | undefined, input: string) {
  if (!path) return undefined;
  try {
    return resolveInsideWorkspace(options.workspace, path);
  } catch (error) {
    throw new InvalidInputError(`'${path}' leads outside the workspace`, { input, cause: error });
  }
}

export async function injectConfig(
  options: RenderSidecarsOptions,
  context: InjectConfigContext,
): Promise<InjectConfig> {
  const operatorFile = insideWorkspace(options, options.operatorFile, 'operator-file');
  const config = options.injectConfigFile
    ? givenConfig(options, operatorFile, context)
    : await generatedConfig(options, operatorFile, context);
  const key = sha256(
    'kube-inject',
    context.version,
    context.binaryDigest,
    context.revision ?? 'default',
    String(config.nativeSidecars),
    JSON.stringify(context.repoValues ? [context.repoValues.values, context.repoValues.meshConfig] : null),
    readOptional(config.injectConfigFile),
    readOptional(config.meshConfigFile),
    readOptional(config.valuesFile),
    readOptional(config.operatorFile),
  );
  return { ...config, key };
}

function givenConfig(
  options: RenderSidecarsOptions,
  operatorFile: string | undefined,
  context: InjectConfigContext,
): Omit<InjectConfig, 'key'> {
  const meshConfigFile = insideWorkspace(options, options.meshConfigFile, 'mesh-config-file');
  const valuesFile = insideWorkspace(options, options.injectorValuesFile, 'injector-values-file');
  const native = chooseNativeSidecars(
    options.nativeSidecars,
    undefined,
    context.version,
    options.kubernetesVersion,
  );
  context.logger.info(
    `using the given offline inject config; native sidecars ${native.nativeSidecars ? 'on' : 'off'} (${native.reason})`,
  );
  let proxyImage = '';
  if (valuesFile) {
    try {
      proxyImage = proxyImageFromValues(
        JSON.parse(readFileSync(valuesFile, 'utf8')) as Parameters<typeof proxyImageFromValues>[0],
      );
    } catch (error) {
      throw new FileFormatError('the injector values file is not JSON', {
        input: 'injector-values-file',
        file: options.injectorValuesFile,
        cause: error,
        hint: 'Give the `values` key of the istio-sidecar-injector ConfigMap.',
      });
    }
  }
  return {
    injectConfigFile: insideWorkspace(options, options.injectConfigFile, 'inject-config-file')!,
    ...(meshConfigFile ? { meshConfigFile } : {}),
    ...(valuesFile ? { valuesFile } : {}),
    ...(operatorFile ? { operatorFile } : {}),
    nativeSidecars: native.nativeSidecars,
    proxyImage,
  };
}

/**
 * Generates the offline files, or writes the ones generated before for the same binary and inputs:
 * `manifest generate` is a deterministic render, and it is the one spawn a no-op run would still pay.
 */
async function generatedConfig(
  options: RenderSidecarsOptions,
  operatorFile: string | undefined,
  context: InjectConfigContext,
): Promise<Omit<InjectConfig, 'key'>> {
  const valuesFile = insideWorkspace(options, options.valuesFile, 'values-file');
  const repoLayer = {
    values: cloneJson(context.repoValues?.values),
    meshConfig: cloneJson(context.repoValues?.meshConfig),
  };
  const repoFile = join(context.scratch, 'repo-control-plane.yaml');
  const repoText = () =>
    stringifyYaml({
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        ...(Object.keys(repoLayer.meshConfig).length > 0 ? { meshConfig: repoLayer.meshConfig } : {}),
        ...(Object.keys(repoLayer.values).length > 0 ? { values: repoLayer.values } : {}),
      },
    });
  const hasRepoLayer = () =>
    Object.keys(repoLayer.values).length > 0 || Object.keys(repoLayer.meshConfig).length > 0;
  const remembered = memo<GeneratedConfig>(
    context.cacheDir,
    sha256(
      'manifest-generate',
      context.version,
      context.binaryDigest,
      context.revision ?? 'default',
      JSON.stringify(options.nativeSidecars ?? null),
      options.nativeSidecars === 'auto' ? (options.kubernetesVersion ?? '') : '',
      hasRepoLayer() ? repoText() : '',
      readOptional(valuesFile),
      readOptional(operatorFile),
    ),
  );
  const paths = {
    injectConfigFile: join(context.scratch, OFFLINE_FILE_NAMES.injectConfig),
    valuesFile: join(context.scratch, OFFLINE_FILE_NAMES.values),
    meshConfigFile: join(context.scratch, OFFLINE_FILE_NAMES.meshConfig),
  };
  const known = remembered.get();
  if (known) {
    await writeFile(paths.injectConfigFile, known.injectConfig);
    await writeFile(paths.valuesFile, known.values);
    await writeFile(paths.meshConfigFile, known.meshConfig);
    context.logger.info(
      `offline inject config for Istio ${context.version}${context.revision ? ` revision ${context.revision}` : ''} ` +
        `as generated before: proxy ${known.proxyImage}, native sidecars ${known.nativeSidecars ? 'on' : 'off'}`,
    );
    return { ...paths, nativeSidecars: known.nativeSidecars, proxyImage: known.proxyImage };
  }
  const generate = async () => {
    if (hasRepoLayer()) await writeFile(repoFile, repoText());
    return generateOfflineInjectConfig({
      binary: context.binary,
      version: context.version,
      outputDir: context.scratch,
      ...(context.revision ? { revision: context.revision } : {}),
      ...(hasRepoLayer() ? { baseOperatorFiles: [repoFile] } : {}),
      ...(valuesFile ? { valuesFile } : {}),
      ...(operatorFile ? { operatorFile } : {}),
      ...(options.nativeSidecars !== undefined ? { nativeSidecars: options.nativeSidecars } : {}),
      ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
      logger: context.logger,
    });
  };
  let generated: Awaited<ReturnType<typeof generateOfflineInjectConfig>> | undefined;
  // Helm ignores keys its chart does not read; manifest generate refuses them. A key of the repo's own
  // values that this istioctl does not know is left out, by name, rather than failing the run.
  for (let attempt = 0; !generated; attempt++) {
    try {
      generated = await generate();
    } catch (error) {
      const unknown = /unknown field "([^"]+)"/.exec((error as Error).message)?.[1];
      if (!(error instanceof IstioctlError) || !unknown || attempt >= 20 || !hasRepoLayer()) throw error;
      const removed = removeKey(repoLayer.values, unknown) + removeKey(repoLayer.meshConfig, unknown);
      if (removed === 0) throw error;
      context.logger.warning(
        `the control plane values of the repo set '${unknown}', which istioctl ${context.version} does not know; left out of the injection config`,
        context.repoValues?.layers[0]?.source ? { ...context.repoValues.layers[0].source } : {},
      );
    }
  }
  remembered.set({
    injectConfig: readFileSync(generated.injectConfigFile, 'utf8'),
    values: readFileSync(generated.valuesFile, 'utf8'),
    meshConfig: readFileSync(generated.meshConfigFile, 'utf8'),
    nativeSidecars: generated.nativeSidecars,
    proxyImage: generated.proxyImage,
  });
  return {
    injectConfigFile: generated.injectConfigFile,
    meshConfigFile: generated.meshConfigFile,
    valuesFile: generated.valuesFile,
    nativeSidecars: generated.nativeSidecars,
    proxyImage: generated.proxyImage,
  };
}

const cloneJson = (value: Record<string, unknown> | undefined): Record<string, unknown> =>
  value ? (JSON.parse(JSON.stringify(value)) as Record<string, unknown>) : {};

/** Deletes every `key` in a values tree; how many went. */
function removeKey(values: unknown, key: string): number {
  if (Array.isArray(values)) return values.reduce((n: number, v) => n + removeKey(v, key), 0);
  if (!values || typeof values !== 'object') return 0;
  const map = values as Record<string, unknown>;
  let removed = 0;
  if (key in map) {
    delete map[key];
    removed++;
  }
  for (const v of Object.values(map)) removed += removeKey(v, key);
  return removed;
}
