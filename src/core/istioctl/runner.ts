// Typed istioctl calls (version, kube-inject, manifest generate) over the process runner, with their outputs parsed.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IstioctlError, InvalidInputError } from '../errors.js';
import { runIstioctlProcess, type IstioctlProcessResult } from './process.js';
import { injectRevisionArgs, nativeSidecarsEnv } from './version-rules.js';

export interface IstioctlCallOptions {
  timeoutMs?: number;
  /** Extra environment for the istioctl process. */
  env?: Record<string, string | undefined>;
}

/**
 * Offline calls must never read a cluster: istioctl falls back to one for anything the files leave out
 * (an IstioOperator without meshConfig, say), which would silently use whatever kubeconfig is around.
 * Point it at no cluster so such a call fails with istioctl's own message instead.
 */
const NO_CLUSTER_ENV: Readonly<Record<string, string | undefined>> = {
  KUBECONFIG: join(tmpdir(), 'istio-autopilot-offline-no-kubeconfig'),
  KUBERNETES_SERVICE_HOST: undefined,
  KUBERNETES_SERVICE_PORT: undefined,
};

/** The last lines of stderr (or stdout), for error messages that stay readable. */
function outputTail(result: IstioctlProcessResult, lines = 8): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n');
  return text.slice(-lines).join('\n');
}

function failure(
  command: string,
  binary: string,
  result: IstioctlProcessResult,
  hint: string,
): IstioctlError {
  return new IstioctlError(
    `istioctl ${command} (${binary}) exited with code ${result.exitCode}: ${outputTail(result) || 'no output'}`,
    { input: 'istioctl', hint },
  );
}

/** The client version from `version --remote=false -o json`, or from `--short` on builds that lack JSON. */
export function parseIstioctlVersion(output: string): string | undefined {
  const trimmed = output.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { clientVersion?: { version?: unknown } };
      const version = parsed.clientVersion?.version;
      return typeof version === 'string' && version !== '' ? version : undefined;
    } catch {
      return undefined;
    }
  }
  // Recent releases print "client version: 1.28.0"; old ones print the bare version.
  const line = trimmed.split('\n').find((l) => l.trim() !== '');
  if (!line) return undefined;
  const match = /^(?:client version:\s*)?(\S+)$/i.exec(line.trim());
  return match?.[1];
}

/** The version istioctl at `binary` reports about itself (no cluster is contacted). */
export async function istioctlVersion(binary: string, options: IstioctlCallOptions = {}): Promise<string> {
  const json = await runIstioctlProcess(binary, ['version', '--remote=false', '-o', 'json'], options);
  const fromJson = json.exitCode === 0 ? parseIstioctlVersion(json.stdout) : undefined;
  if (fromJson) return fromJson;
  const short = await runIstioctlProcess(binary, ['version', '--remote=false', '--short'], options);
  const fromShort = short.exitCode === 0 ? parseIstioctlVersion(short.stdout) : undefined;
  if (fromShort) return fromShort;
  throw failure(
    'version',
    binary,
    short.exitCode === 0 ? json : short,
    'Check that the file is an istioctl binary.',
  );
}

export type InjectSkipReason = 'host-network' | 'injection-disabled';

/** A workload kube-inject left alone, as it said on stderr. */
export interface SkippedWorkload {
  /** Deployment, Pod...; absent when istioctl did not name the kind. */
  kind?: string;
  /** `namespace/name` when the manifest gave a namespace, else `name`. */
  name: string;
  reason: InjectSkipReason;
  /** istioctl's own line. */
  message: string;
}

// kube-inject prints `===> Skipping injection because [Kind ]"ns/name" has host networking enabled`
// (or `has sidecar injection disabled`, which also covers kube-system and the other ignored namespaces).
const SKIP_LINE =
  /^===> Skipping injection because (?:(\S+) )?"([^"]*)" has (host networking enabled|sidecar injection disabled)\s*$/;

export interface KubeInjectStderr {
  skipped: SkippedWorkload[];
  /** Every other non-empty stderr line (istioctl's log warnings). */
  messages: string[];
}

export function parseKubeInjectStderr(stderr: string): KubeInjectStderr {
  const skipped: SkippedWorkload[] = [];
  const messages: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = SKIP_LINE.exec(line);
    if (!match) {
      messages.push(line);
      continue;
    }
    skipped.push({
      ...(match[1] ? { kind: match[1] } : {}),
      name: match[2] ?? '',
      reason: match[3] === 'host networking enabled' ? 'host-network' : 'injection-disabled',
      message: line,
    });
  }
  return { skipped, messages };
}

export interface KubeInjectOptions extends IstioctlCallOptions {
  binary: string;
  /** The version of `binary`; decides version-dependent flags. */
  version: string;
  /** One or more YAML documents. */
  input: string;
  injectConfigFile: string;
  meshConfigFile?: string;
  valuesFile?: string;
  /**
   * An IstioOperator file. Its spec.values replace the values file whole (no chart defaults are merged in,
   * so partial values break the template), and its spec.meshConfig replaces the mesh config file. Pass a
   * user's IstioOperator to generateOfflineInjectConfig instead, unless it is complete.
   */
  operatorFile?: string;
  /** Control plane revision; absent or `default` means the default revision. */
  revision?: string;
  /** Inject istio-proxy as a native sidecar (init container, restartPolicy Always). Default false. */
  nativeSidecars?: boolean;
}

export interface KubeInjectResult {
  /** The injected YAML stream, documents separated by `---`. */
  output: string;
  skipped: SkippedWorkload[];
  messages: string[];
  durationMs: number;
}

/** The argument list for an offline kube-inject reading the manifest from stdin. */
export function kubeInjectArgs(options: Omit<KubeInjectOptions, 'binary' | 'input'>): string[] {
  if (!options.operatorFile && !(options.meshConfigFile && options.valuesFile)) {
    throw new InvalidInputError(
      'offline kube-inject needs a mesh config file and a values file, or an IstioOperator file',
      {
        hint: 'Generate them with generateOfflineInjectConfig, or pass an IstioOperator file.',
      },
    );
  }
  const args = ['kube-inject', '-f', '-', '--injectConfigFile', options.injectConfigFile];
  if (options.meshConfigFile) args.push('--meshConfigFile', options.meshConfigFile);
  if (options.valuesFile) args.push('--valuesFile', options.valuesFile);
  if (options.operatorFile) args.push('--operatorFileName', options.operatorFile);
  args.push(...injectRevisionArgs(options.version, options.revision));
  return args;
}

/** Runs `istioctl kube-inject` offline over `input` and returns the output and what it skipped. */
export async function kubeInject(options: KubeInjectOptions): Promise<KubeInjectResult> {
  const args = kubeInjectArgs(options);
  const result = await runIstioctlProcess(options.binary, args, {
    stdin: options.input,
    timeoutMs: options.timeoutMs,
    // Always explicit, so an ENABLE_NATIVE_SIDECARS in the caller's environment cannot change the layout.
    env: { ...NO_CLUSTER_ENV, ...options.env, ...nativeSidecarsEnv(options.nativeSidecars ?? false) },
  });
  if (result.exitCode !== 0) {
    throw failure(
      'kube-inject',
      options.binary,
      result,
      'Check that the manifest is valid Kubernetes YAML and that the inject config matches this istioctl ' +
        'version; an IstioOperator file without meshConfig needs a mesh config file beside it.',
    );
  }
  return { output: result.stdout, ...parseKubeInjectStderr(result.stderr), durationMs: result.durationMs };
}

export interface ManifestGenerateOptions extends IstioctlCallOptions {
  binary: string;
  /** IstioOperator files, overlaid left to right. */
  files?: readonly string[];
  /** `--set` overrides: `['profile=demo']` or `{ profile: 'demo' }`. */
  setFlags?: readonly string[] | Readonly<Record<string, string>>;
  revision?: string;
}

export interface ManifestGenerateResult {
  /** The rendered YAML stream. */
  manifest: string;
  /** Non-empty stderr lines (istioctl's warnings). */
  messages: string[];
  durationMs: number;
}

export function manifestGenerateArgs(options: Omit<ManifestGenerateOptions, 'binary'>): string[] {
  const args = ['manifest', 'generate'];
  for (const file of options.files ?? []) args.push('-f', file);
  const sets = Array.isArray(options.setFlags)
    ? (options.setFlags as readonly string[])
    : Object.entries(options.setFlags ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const set of sets) args.push('--set', set);
  if (options.revision && options.revision !== 'default') args.push('--revision', options.revision);
  return args;
}

/** Renders the install manifest offline with `istioctl manifest generate`. */
export async function manifestGenerate(options: ManifestGenerateOptions): Promise<ManifestGenerateResult> {
  const result = await runIstioctlProcess(options.binary, manifestGenerateArgs(options), {
    timeoutMs: options.timeoutMs,
    env: { ...NO_CLUSTER_ENV, ...options.env },
  });
  if (result.exitCode !== 0) {
    throw failure(
      'manifest generate',
      options.binary,
      result,
      'Check the IstioOperator file and --set values against this Istio version.',
    );
  }
  return {
    manifest: result.stdout,
    messages: result.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    durationMs: result.durationMs,
  };
}
