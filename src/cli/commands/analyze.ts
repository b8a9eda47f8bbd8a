// `istio-autopilot analyze`: istioctl analyze offline over the repo's manifests, pass or fail.
import { resolve } from 'node:path';
import { analyzeManifests, parseAnalyzeLevel } from '../../core/istioctl/analyze.js';
import { istioctlVersion } from '../../core/istioctl/runner.js';
import { EXIT, list, text, type Command } from '../command.js';
import { cliIstioctl } from './istioctl-binary.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Run istioctl analyze offline over manifests; exit 3 when findings reach the threshold',
  usage:
    'istio-autopilot analyze [--repo <dir>] [--paths <glob,...>] [--istioctl <path> | --version <v>] [--failure-threshold Error|Warning|Info]',
  options: {
    repo: { type: 'string' },
    paths: { type: 'string', multiple: true },
    istioctl: { type: 'string' },
    version: { type: 'string' },
    'failure-threshold': { type: 'string' },
    'output-threshold': { type: 'string' },
    suppress: { type: 'string', multiple: true },
    revision: { type: 'string' },
    'github-token': { type: 'string' },
    'github-api-url': { type: 'string' },
    offline: { type: 'boolean' },
  },
  async run(values, context) {
    const binary = await cliIstioctl(values, context);
    const result = await analyzeManifests({
      binary,
      version: await istioctlVersion(binary),
      cwd: resolve(text(values, 'repo') ?? '.'),
      paths: list(values, 'paths'),
      failureThreshold: parseAnalyzeLevel(text(values, 'failure-threshold') ?? 'Error', 'failure-threshold'),
      outputThreshold: parseAnalyzeLevel(text(values, 'output-threshold') ?? 'Info', 'output-threshold'),
      suppress: list(values, 'suppress'),
      revision: text(values, 'revision'),
      logger: context.log,
    });
    if (context.json) {
      context.stdout(
        JSON.stringify(
          {
            result: result.result,
            counts: result.counts,
            findings: result.findings,
            skipped: result.skipped,
          },
          null,
          2,
        ),
      );
    } else {
      for (const f of result.findings) {
        context.stdout(
          `${f.file ?? '-'}${f.line ? `:${f.line}` : ''}  ${f.level}  ${f.code}  ${f.origin}: ${f.message}`,
        );
      }
      const { errors, warnings, infos } = result.counts;
      context.stdout(`${result.result}: ${errors} errors, ${warnings} warnings, ${infos} infos`);
    }
    return result.result === 'pass' ? EXIT.ok : EXIT.checkFailed;
  },
};
