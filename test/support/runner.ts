// Runs a committed action bundle exactly as a GitHub runner does: node dist/<action>/index.js with
// INPUT_* variables and the runner's file commands, then reads back what the step produced.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface RunActionOptions {
  inputs?: Record<string, string | number | boolean | undefined>;
  /** Extra environment (GITHUB_API_URL, GITHUB_TOKEN-like values, GITHUB_EVENT_PATH...). */
  env?: Record<string, string | undefined>;
  /** The step's working directory, usually the checked-out workspace. */
  cwd?: string;
  /** Reuse a tool cache across runs to test cache hits. */
  toolCache?: string;
  runnerOs?: 'Linux' | 'macOS' | 'Windows';
  runnerArch?: 'X64' | 'ARM64' | 'ARM';
  timeoutMs?: number;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** Directories the step added to PATH. */
  path: string[];
  /** Variables the step exported through GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  summary: string;
  toolCache: string;
  runnerTemp: string;
  /** Workflow commands from stdout: ::error::, ::warning::, ::notice::, ::add-mask::... */
  commands: { command: string; properties: string; message: string }[];
}

/** The input name as a runner exports it: INPUT_ plus upper case, spaces to underscores. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(action: string, options: RunActionOptions = {}): Promise<ActionRun> {
  const scratch = mkdtempSync(join(tmpdir(), `runner-${action}-`));
  const files = {
    GITHUB_OUTPUT: join(scratch, 'output'),
    GITHUB_PATH: join(scratch, 'path'),
    GITHUB_ENV: join(scratch, 'env'),
    GITHUB_STATE: join(scratch, 'state'),
    GITHUB_STEP_SUMMARY: join(scratch, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const toolCache = options.toolCache ?? join(scratch, 'tool-cache');
  const runnerTemp = join(scratch, 'temp');
  mkdirSync(toolCache, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  const workspace = options.cwd ?? join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });

  // A clean environment, as on a runner: nothing of the test process leaks in but PATH and HOME.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    ...(process.env.ISTIO_AUTOPILOT_CACHE
      ? { ISTIO_AUTOPILOT_CACHE: process.env.ISTIO_AUTOPILOT_CACHE }
      : {}),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo-org/mesh-gitops',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_RUN_ID: '1',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    RUNNER_OS: options.runnerOs ?? 'Linux',
    RUNNER_ARCH: options.runnerArch ?? 'X64',
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_TEMP: runnerTemp,
    ...files,
  };
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (value !== undefined) env[inputEnvName(name)] = String(value);
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  const bundle = join(REPO_ROOT, 'dist', action, 'index.js');
  const child = spawn(process.execPath, [bundle], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  clearTimeout(timeout);

  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    path: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
    exportedEnv: parseFileCommand(readFileSync(files.GITHUB_ENV, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    toolCache,
    runnerTemp,
    commands: parseWorkflowCommands(stdout),
  };
}

/** Parses GITHUB_OUTPUT/GITHUB_ENV: `name=value` lines and `name<<DELIM ... DELIM` blocks. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      result[name!] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

export function parseWorkflowCommands(stdout: string): ActionRun['commands'] {
  const commands: ActionRun['commands'] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (m) commands.push({ command: m[1]!, properties: m[2] ?? '', message: m[3] ?? '' });
  }
  return commands;
}
