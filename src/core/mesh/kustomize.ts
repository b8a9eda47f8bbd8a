// Finds the real kustomize (a `kustomize` binary on PATH, else `kubectl kustomize`) and runs
// `kustomize build` as a child process with a deadline; we never build kustomizations ourselves.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { AutopilotError, NotFoundError } from '../errors.js';

/** A tool the mesh model needs could not be run, or failed on the repo's input. */
export class RenderError extends AutopilotError {}

export interface Kustomize {
  /** The executable, and the arguments that come before `build`'s own (`kustomize` for kubectl). */
  command: string;
  prefix: string[];
  /** How it was found, for logs: `kustomize on PATH`, `kubectl kustomize`. */
  description: string;
}

const DEFAULT_KUSTOMIZE_TIMEOUT_MS = 2 * 60_000;

const KUSTOMIZE_INSTALL_HINT =
  'Install kustomize (it is preinstalled on GitHub-hosted runners): `go install sigs.k8s.io/kustomize/kustomize/v5@v5.6.0` ' +
  'and put $(go env GOPATH)/bin on PATH, or install kubectl, whose `kubectl kustomize` is used when kustomize is absent.';

/** `KUSTOMIZE` in the environment wins (an absolute path), then PATH's kustomize, then kubectl. */
export function locateKustomize(env: NodeJS.ProcessEnv = process.env): Kustomize {
  const explicit = env.KUSTOMIZE;
  if (explicit) {
    if (!isExecutable(explicit))
      throw new NotFoundError(`KUSTOMIZE=${explicit} is not an executable file`, {
        input: 'KUSTOMIZE',
        hint: KUSTOMIZE_INSTALL_HINT,
      });
    return { command: explicit, prefix: [], description: explicit };
  }
  const kustomize = onPath('kustomize', env);
  if (kustomize) return { command: kustomize, prefix: [], description: `kustomize at ${kustomize}` };
  const kubectl = onPath('kubectl', env);
  if (kubectl)
    return { command: kubectl, prefix: ['kustomize'], description: `kubectl kustomize (${kubectl})` };
  throw new NotFoundError('kustomize is not installed: neither kustomize nor kubectl is on PATH', {
    hint: KUSTOMIZE_INSTALL_HINT,
  });
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface BuildResult {
  stdout: string;
  stderr: string;
}

/**
 * `kustomize build <dir>`: root-only load restrictions, no plugins, no Helm, no exec (its defaults),
 * with a deadline. A non-zero exit is a RenderError carrying kustomize's own message.
 */
export async function kustomizeBuild(
  kustomize: Kustomize,
  dir: string,
  options: { timeoutMs?: number; shownAs?: string } = {},
): Promise<BuildResult> {
  const args = [...kustomize.prefix, 'build', dir];
  const shownAs = options.shownAs ?? dir;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS;
  return new Promise<BuildResult>((resolve, reject) => {
    const child = spawn(kustomize.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    // On the deadline the streams are dropped too: a grandchild holding them must not keep us waiting.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      settle(() => reject(timedOut(shownAs, timeoutMs)));
    }, timeoutMs);
    child.on('error', (error) => {
      settle(() => reject(notRun(kustomize, error)));
    });
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) {
        settle(() => reject(buildFailed(shownAs, stderr, code)));
        return;
      }
      settle(() => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr }));
    });
  });
}

function timedOut(shownAs: string, timeoutMs: number): RenderError {
  return new RenderError(
    `kustomize build ${shownAs} did not finish within ${Math.round(timeoutMs / 1000)}s`,
    {
      file: shownAs,
      hint: 'A very large tree can do this; render it locally with `kustomize build` to see where it stalls.',
    },
  );
}

function notRun(kustomize: Kustomize, error: Error): RenderError {
  return new RenderError(`could not run ${kustomize.description}: ${error.message}`, {
    hint: KUSTOMIZE_INSTALL_HINT,
    cause: error,
  });
}

/** kustomize's own message: the last lines of its stderr. */
function buildFailed(shownAs: string, stderr: string, code: number | null): RenderError {
  const message = stderr
    .trim()
    .split('\n')
    .slice(-3)
    .join(' ')
    .replace(/^Error:\s*/, '');
  return new RenderError(`kustomize build ${shownAs} failed: ${message || `exit code ${code}`}`, {
    file: shownAs,
    hint: 'Run `kustomize build` on that directory to see the whole error, and fix the kustomization.',
  });
}

/** Runs `tasks` with at most `limit` at once, keeping their order in the result. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
