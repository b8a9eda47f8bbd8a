// Running `istioctl analyze`: the arguments per version, the process, and what its exit code means.
import { IstioctlError } from '../../errors.js';
import { runIstioctlProcess } from '../process.js';
import { analyzeRecursiveFlag } from '../version-rules.js';
import type { AnalyzeOptions } from './findings.js';

/** The argument array: offline, JSON, and only the flags this version understands. */
export function analyzeArgs(options: AnalyzeOptions, files: readonly string[]): string[] {
  const args = ['analyze', '--use-kube=false', '-o', 'json'];
  if (options.allNamespaces ?? true) args.push('-A');
  // Directories are expanded here, so -R only matters where istioctl still needs it for them;
  // from 1.25 it would make analyze print a notice and analyze nothing.
  args.push(...analyzeRecursiveFlag(options.version));
  if (options.revision) args.push('--revision', options.revision);
  if (options.meshConfigFile) args.push('--meshConfigFile', options.meshConfigFile);
  for (const entry of options.suppress ?? []) args.push('--suppress', entry);
  // istioctl filters JSON by --output-threshold; ask for everything and filter here.
  args.push('--output-threshold', 'Info');
  return [...args, ...files];
}

export type AnalyzeExit = 'clean' | 'findings' | 'parse-error' | 'usage' | 'error';

/** What an exit code means. With `-o json` istioctl exits 0 whatever it found. */
export function classifyAnalyzeExit(exitCode: number, format: 'json' | 'log' | 'yaml'): AnalyzeExit {
  if (exitCode === 0) return 'clean';
  if (exitCode === 79 && format === 'log') return 'findings';
  if (exitCode === 65 && format === 'log') return 'parse-error';
  if (exitCode === 64) return 'usage';
  return 'error';
}

/** Throws for exits that are not a result (bad usage, unreadable input, crashes). */
export function checkAnalyzeExit(
  exitCode: number,
  stderr: string,
  format: 'json' | 'log' | 'yaml',
): AnalyzeExit {
  const kind = classifyAnalyzeExit(exitCode, format);
  if (kind !== 'usage' && kind !== 'error') return kind;
  const detail =
    stderr.split('\n').find((l) => l.startsWith('Error:')) ?? stderr.trim().split('\n').pop() ?? '';
  throw new IstioctlError(
    `istioctl analyze ${kind === 'usage' ? 'rejected its arguments' : 'failed'} (exit ${exitCode}): ${detail}`,
    {
      hint:
        kind === 'usage'
          ? 'Check the suppress, revision and threshold inputs against `istioctl analyze --help` for this version.'
          : 'Check that every path exists and that the istioctl binary runs on this machine.',
    },
  );
}

export interface AnalyzeRun {
  stdout: string;
  stderr: string;
}

/** Runs istioctl with these arguments; throws unless the exit is a result. */
export async function runAnalyze(
  binary: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number | undefined,
): Promise<AnalyzeRun> {
  const run = await runIstioctlProcess(binary, args, { cwd, timeoutMs });
  checkAnalyzeExit(run.exitCode, run.stderr, 'json');
  return { stdout: run.stdout, stderr: run.stderr };
}
