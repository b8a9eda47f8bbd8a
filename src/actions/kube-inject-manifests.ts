// kube-inject-manifests: inputs -> renderSidecars -> outputs and summary.
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { renderSidecars } from '../core/inject/index.js';
import { nativeSidecarsChoice } from '../core/istioctl/offline-config.js';
import { INJECT_OPTIONS } from '../options/inject.js';
import {
  actionsLogger,
  gitHubInputs,
  readInputs,
  runEntry,
  setJsonOutput,
  writeSummary,
} from './support/entry.js';
import { istioctlInstaller } from './support/istioctl.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/kube-inject-manifests.ts. */
export function run(): Promise<void> {
  return runEntry(main);
}

async function main(): Promise<void> {
  const inputs = readInputs(INJECT_OPTIONS);
  const result = await renderSidecars(
    {
      workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      paths: inputs.paths,
      selection: inputs.selection,
      version: inputs.version,
      istioctl: inputs.istioctl,
      revision: inputs.revision,
      valuesFile: inputs['values-file'],
      operatorFile: inputs['operator-file'],
      injectConfigFile: inputs['inject-config-file'],
      meshConfigFile: inputs['mesh-config-file'],
      injectorValuesFile: inputs['injector-values-file'],
      nativeSidecars: nativeSidecarsChoice(inputs['native-sidecars']),
      kubernetesVersion: inputs['kubernetes-version'],
      output: inputs.output,
      outputDir: inputs['output-dir'],
      failOnSkip: inputs['fail-on-skip'],
    },
    {
      logger: actionsLogger,
      installIstioctl: istioctlInstaller(
        createGitHubClient({ ...gitHubInputs(inputs), log: (m) => core.info(m) }),
        inputs['download-base-url'],
      ),
    },
  );
  setJsonOutput('changed-files', result.changedFiles);
  core.setOutput('workloads', result.workloads.length);
  core.setOutput('injected', result.injected);
  setJsonOutput('skipped', result.skipped);
  core.setOutput('proxy-image', result.proxyImage);
  core.setOutput('summary', result.summary);
  await writeSummary(result.summary);
}
