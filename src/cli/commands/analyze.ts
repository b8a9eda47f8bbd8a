// `istio-autopilot analyze`: istioctl analyze offline plus the mesh invariants (MESH001-006) over the
// repo's rendered roots (or the given paths), pass or fail.
import { resolve } from 'node:path';
import { analyzeManifests } from '../../core/istioctl/analyze.js';
import { istioctlVersion } from '../../core/istioctl/runner.js';
import { analyzeMesh, analyzeRenderedRoots, withFindings } from '../../core/mesh/analyze.js';
import { ANALYZE_OPTIONS } from '../../options/analyze.js';
import { EXIT, flagsOf, readFlags, type Command } from '../command.js';
import { cliIstioctl } from './istioctl-binary.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary:
    'istioctl analyze and the mesh invariants over the rendered roots (or --paths); exit 3 at the threshold',
  usage:
    'istio-autopilot analyze [--repo <dir>] [--paths <glob,...>] [--istioctl <path> | --version <v>] [--failure-threshold Error|Warning|Info]',
  options: flagsOf(ANALYZE_OPTIONS),
  table: ANALYZE_OPTIONS,
  async run(values, context) {
    const flags = readFlags(ANALYZE_OPTIONS, values);
    const binary = await cliIstioctl(flags, context);
    const workspace = resolve(flags.repo ?? '.');
    const paths = flags.paths;
    const settings = {
      binary,
      version: await istioctlVersion(binary),
      failureThreshold: flags['failure-threshold'],
      outputThreshold: flags['output-threshold'],
      suppress: flags.suppress,
      revision: flags.revision,
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
