// `istio-autopilot inject`: render sidecars into a repo's workload manifests with istioctl kube-inject.
import { resolve } from 'node:path';
import { loadRepoConfig } from '../../core/config/repo-config.js';
import { InvalidInputError } from '../../core/errors.js';
import { INJECT_OUTPUT_MODES, renderSidecars, type InjectOutputMode } from '../../core/inject/index.js';
import { EXIT, GITHUB_OPTIONS, list, text, type Command } from '../command.js';
import { installIstioctlForCli } from './istioctl-binary.js';

export const injectCommand: Command = {
  name: 'inject',
  summary: "Render (or upgrade) sidecars in workload manifests; default version: the repo's control plane",
  usage:
    'istio-autopilot inject [--repo <dir>] [--config <file>] [--paths <glob,...>] [--version <v>] [--istioctl <path>] [--revision <r>] [--output in-place|render-dir|patches] [--native-sidecars auto|true|false --kubernetes-version <v>] [--dry-run]',
  options: {
    repo: { type: 'string' },
    config: { type: 'string' },
    paths: { type: 'string', multiple: true },
    version: { type: 'string' },
    istioctl: { type: 'string' },
    revision: { type: 'string' },
    'values-file': { type: 'string' },
    'operator-file': { type: 'string' },
    'native-sidecars': { type: 'string' },
    'kubernetes-version': { type: 'string' },
    output: { type: 'string' },
    'output-dir': { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...GITHUB_OPTIONS,
  },
  async run(values, context) {
    const workspace = resolve(text(values, 'repo') ?? '.');
    // As the action does: .github/istio-autopilot.yaml's data-plane settings, flags on top.
    const dp = loadRepoConfig(workspace, text(values, 'config'), '--config').dataPlane;
    const output = (text(values, 'output') ?? dp.output ?? 'in-place') as InjectOutputMode;
    if (!INJECT_OUTPUT_MODES.includes(output)) {
      throw new InvalidInputError(`'${output}' is not an output mode`, {
        input: 'output',
        hint: `Use ${INJECT_OUTPUT_MODES.join(', ')}.`,
      });
    }
    const native = text(values, 'native-sidecars') ?? dp.nativeSidecars;
    if (native !== undefined && !['auto', 'true', 'false'].includes(native)) {
      throw new InvalidInputError(`'${native}' is not auto, true or false`, { input: 'native-sidecars' });
    }
    const result = await renderSidecars(
      {
        workspace,
        paths: list(values, 'paths').length > 0 ? list(values, 'paths') : dp.paths,
        version: text(values, 'version'),
        istioctl: text(values, 'istioctl'),
        revision: text(values, 'revision') ?? dp.revision,
        valuesFile: text(values, 'values-file') ?? dp.valuesFile,
        operatorFile: text(values, 'operator-file') ?? dp.operatorFile,
        nativeSidecars: native === undefined ? undefined : native === 'auto' ? 'auto' : native === 'true',
        kubernetesVersion: text(values, 'kubernetes-version') ?? dp.kubernetesVersion,
        output,
        outputDir: text(values, 'output-dir') ?? dp.outputDir,
        dryRun: values['dry-run'] === true,
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
