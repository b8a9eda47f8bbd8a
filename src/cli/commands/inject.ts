// `istio-autopilot inject`: render sidecars into a repo's workload manifests with istioctl kube-inject.
import { resolve } from 'node:path';
import { loadRepoConfig } from '../../core/config/repo-config.js';
import { renderSidecars } from '../../core/inject/index.js';
import { nativeSidecarsChoice } from '../../core/istioctl/offline-config.js';
import { INJECT_OPTIONS } from '../../options/inject.js';
import { EXIT, flagsOf, readFlags, type Command } from '../command.js';
import { installIstioctlForCli } from './istioctl-binary.js';

export const injectCommand: Command = {
  name: 'inject',
  summary: "Render (or upgrade) sidecars in workload manifests; default version: the repo's control plane",
  usage:
    'istio-autopilot inject [--repo <dir>] [--config <file>] [--paths <glob,...>] [--selection auto|webhook|paths] [--version <v>] [--istioctl <path>] [--revision <r>] [--output in-place|render-dir|patches] [--native-sidecars keep|auto|true|false --kubernetes-version <v>] [--dry-run]',
  options: flagsOf(INJECT_OPTIONS),
  table: INJECT_OPTIONS,
  async run(values, context) {
    const flags = readFlags(INJECT_OPTIONS, values);
    const workspace = resolve(flags.repo ?? '.');
    // As the action does: .github/istio-autopilot.yaml's data-plane settings, flags on top.
    const dp = loadRepoConfig(workspace, flags.config, '--config').dataPlane;
    const given = (flag: string) => values[flag] !== undefined;
    const result = await renderSidecars(
      {
        workspace,
        paths: flags.paths.length > 0 ? flags.paths : dp.paths,
        selection: flags.selection,
        version: flags.version,
        istioctl: flags.istioctl,
        revision: flags.revision ?? dp.revision,
        valuesFile: flags['values-file'] ?? dp.valuesFile,
        operatorFile: flags['operator-file'] ?? dp.operatorFile,
        nativeSidecars: nativeSidecarsChoice(
          given('native-sidecars')
            ? flags['native-sidecars']
            : (dp.nativeSidecars ?? flags['native-sidecars']),
        ),
        kubernetesVersion: flags['kubernetes-version'] ?? dp.kubernetesVersion,
        output: given('output') ? flags.output : (dp.output ?? flags.output),
        outputDir: flags['output-dir'] ?? dp.outputDir,
        dryRun: flags['dry-run'],
      },
      {
        logger: context.log,
        installIstioctl: async (version) =>
          (await installIstioctlForCli({ ...values, version }, context)).path,
      },
    );
    if (context.json) {
      const { summary: _summary, ...rest } = result;
      context.stdout(JSON.stringify(rest, null, 2));
    } else {
      context.stdout(result.summary);
    }
    return EXIT.ok;
  },
};
