// What every action entry shares: reading inputs the runner's way, a logger over @actions/core,
// and turning typed errors into one clear failure instead of a stack trace.
import { join } from 'node:path';
import * as core from '@actions/core';
import { describeError } from '../../core/errors.js';
import { maskingLogger, maskSecrets, registerSecret, type Logger } from '../../core/logger.js';
import { fitMarkdown } from '../../core/report/markdown.js';
import { readOptions, type OptionTable, type OptionValues } from '../../options/table.js';

export const actionsLogger: Logger = maskingLogger({
  info: (m) => core.info(m),
  warning: (m, where) => core.warning(m, where ? { file: where.file, startLine: where.line } : {}),
  notice: (m, where) => core.notice(m, where ? { file: where.file, startLine: where.line } : {}),
  debug: (m) => core.debug(m),
});

/** Runs an entry; any error fails the step with its message, never a stack trace. */
export async function runEntry(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(maskSecrets(describeError(error)));
    if (error instanceof Error && error.stack) core.debug(error.stack);
  }
}

/** Every input of the command's option table, checked as the table says (a bad value names its input). */
export function readInputs<T extends OptionTable>(table: T): OptionValues<T> {
  const values = readOptions(table, { face: 'input', raw: (name) => core.getInput(name) });
  const token = (values as Record<string, unknown>)['github-token'];
  if (typeof token === 'string') maskToken(token);
  return values;
}

const masked = new Set<string>();

/** Masks a token in the runner's log (once: each `add-mask` line is itself logged) and our output. */
function maskToken(token: string): void {
  if (token === '' || masked.has(token)) return;
  masked.add(token);
  core.setSecret(token);
  registerSecret(token);
}

/** The token and API URL from the read inputs; defaults to the runner's API so GHES works. */
export function gitHubInputs(inputs: { 'github-token'?: string; 'github-api-url'?: string }): {
  token?: string;
  apiUrl: string;
} {
  const token = inputs['github-token'] || undefined;
  if (token) maskToken(token);
  const apiUrl = inputs['github-api-url'] ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';
  return { token, apiUrl };
}

/** Where release listings persist beside the tool cache, so self-hosted runners ask with If-None-Match. */
export function httpCacheDir(): string | undefined {
  const toolCache = process.env.RUNNER_TOOL_CACHE;
  return toolCache ? join(toolCache, 'istio-autopilot', 'http') : undefined;
}

export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(fitMarkdown(maskSecrets(markdown)), true).write();
}

export function setJsonOutput(name: string, value: unknown): void {
  core.setOutput(name, JSON.stringify(value));
}
