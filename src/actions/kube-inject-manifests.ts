// kube-inject-manifests: inputs -> renderSidecars -> outputs and summary.
import * as core from '@actions/core';
import { createGitHubClient } from '../core/github/client.js';
import { INJECT_OUTPUT_MODES, renderSidecars } from '../core/inject/index.js';
import {
  actionsLogger,
  booleanInput,
  choiceInput,
  gitHubInputs,
  listInput,
  runEntry,
  setJsonOutput,
  stringInput,
  writeSummary,
} from './support/entry.js';
import { istioctlInstaller } from './support/istioctl.js';

/** The entry: inputs -> core -> outputs; dist/ runs it through src/actions/index/kube-inject-manifests.ts. */
export function run(): Promise<void> {
  return runEntry(main);
}

async function main(): Promise<void> {
  const native = choiceInput('native-sidecars', ['auto', 'true', 'false'] as const, 'false');
  const result = await renderSidecars(
    {
      workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      paths: listInput('paths'),
      version: stringInput('version'),
      istioctl: stringInput('istioctl'),
      revision: stringInput('revision'),
      valuesFile: stringInput('values-file'),
      operatorFile: stringInput('operator-file'),
      injectConfigFile: stringInput('inject-config-file'),
      meshConfigFile: stringInput('mesh-config-file'),
      injectorValuesFile: stringInput('injector-values-file'),
      nativeSidecars: native === 'auto' ? 'auto' : native === 'true',
      kubernetesVersion: stringInput('kubernetes-version'),
      output: choiceInput('output', INJECT_OUTPUT_MODES, 'in-place'),
      outputDir: stringInput('output-dir'),
      failOnSkip: booleanInput('fail-on-skip', false),
    },
    {
      logger: actionsLogger,
      installIstioctl: istioctlInstaller(createGitHubClient({ ...gitHubInputs(), log: (m) => core.info(m) })),
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
