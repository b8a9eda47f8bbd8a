// kube-inject-manifests: inputs -> renderSidecars -> outputs and summary.
import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { createGitHubClient } from '../core/github/client.js';
import { INJECT_OUTPUT_MODES, renderSidecars } from '../core/inject/index.js';
import { installIstioctl } from '../core/istioctl/install/install.js';
import { resolvePlatform } from '../core/istioctl/install/platform.js';
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

await runEntry(async () => {
  const native = choiceInput('native-sidecars', ['auto', 'true', 'false'] as const, 'false');
  const github = gitHubInputs();
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
      installIstioctl: async (version) =>
        (
          await installIstioctl({
            version,
            platform: resolvePlatform({}),
            github: createGitHubClient({ token: github.token, apiUrl: github.apiUrl }),
            downloadBaseUrl: stringInput('download-base-url'),
            tempDir: process.env.RUNNER_TEMP ?? tmpdir(),
            logger: actionsLogger,
          })
        ).path,
    },
  );
  core.setOutput('changed-files', result.changedFiles.join('\n'));
  core.setOutput('workloads', result.workloads.length);
  core.setOutput('injected', result.injected);
  setJsonOutput('skipped', result.skipped);
  core.setOutput('proxy-image', result.proxyImage);
  core.setOutput('summary', result.summary);
  await writeSummary(result.summary);
});
