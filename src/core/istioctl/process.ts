// Runs istioctl as a child process: arguments as an array (never a shell), stdout and stderr
// captured, a timeout, and optional stdin. Callers decide what an exit code means.
import { spawn } from 'node:child_process';
import { IstioctlError } from '../errors.js';

export interface IstioctlProcessOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

export interface IstioctlProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const DEFAULT_ISTIOCTL_TIMEOUT_MS = 5 * 60_000;

export async function runIstioctlProcess(
  binary: string,
  args: readonly string[],
  options: IstioctlProcessOptions = {},
): Promise<IstioctlProcessResult> {
  const started = Date.now();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
  const child = spawn(binary, [...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => stdout.push(d));
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  const timeoutMs = options.timeoutMs ?? DEFAULT_ISTIOCTL_TIMEOUT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.stdin.on('error', () => undefined); // istioctl may exit before reading all of stdin
  child.stdin.end(options.stdin ?? '');
  let exitCode: number;
  try {
    exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', (error) =>
        reject(
          new IstioctlError(`could not run istioctl at ${binary}: ${error.message}`, {
            input: 'istioctl',
            hint: 'Install it with the get-istioctl action, or point the istioctl input at the binary.',
            cause: error,
          }),
        ),
      );
      child.on('close', (code) => resolve(code ?? -1));
    });
  } finally {
    // A binary that never started must not leave its timeout keeping the process alive for minutes.
    clearTimeout(timer);
  }
  const result = {
    exitCode,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    durationMs: Date.now() - started,
  };
  if (timedOut) {
    throw new IstioctlError(`istioctl ${args[0] ?? ''} timed out after ${Math.round(timeoutMs / 1000)}s`, {
      hint: 'Split the input into smaller batches or raise the timeout.',
    });
  }
  return result;
}
