// `istio-autopilot analyze`: istioctl analyze offline plus the mesh invariants (MESH001-006) over the
// repo's rendered roots (or the given paths), pass or fail.
import { resolve } from 'node:path';
import { analyzeManifests, parseAnalyzeLevel } from '../../core/istioctl/analyze.js';
import { istioctlVersion } from '../../core/istioctl/runner.js';
import { analyzeMesh, analyzeRenderedRoots, withFindings } from '../../core/mesh/analyze.js';
import { EXIT, list, text, type Command } from '../command.js';
import { cliIstioctl } from './istioctl-binary.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary:
    'istioctl analyze and the mesh invariants over the rendered roots (or --paths); exit 3 at the threshold',
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
    const workspace = resolve(text(values, 'repo') ?? '.');
    const paths = list(values, 'paths');
    const settings = {
      binary,
      version: await istioctlVersion(binary),
      failureThreshold: parseAnalyzeLevel(text(values, 'failure-threshold') ?? 'Error', 'failure-threshold'),
      outputThreshold: parseAnalyzeLevel(text(values, 'output-threshold') ?? 'Info', 'output-threshold'),
      suppress: list(values, 'suppress'),
      revision: text(values, 'revision'),
      logger: context.log,
    };
    // Without paths, what the repo deploys is analyzed: its roots as kustomize and Flux render them.
    const result =
      paths.length === 0
        ? await analyzeRenderedRoots(workspace, settings, { logger: context.log })
        : withFindings(
            await analyzeManifests({ ...settings, cwd: workspace, paths }),
            (await analyzeMesh(workspace, { logger: context.log })).findings,
          );
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
