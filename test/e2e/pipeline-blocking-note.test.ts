// An upgrade note that blocks (here: the target minor does not support the repo's Kubernetes) opens
// the control-plane PR without auto-merge, so a person decides. The same repo on a supported
// Kubernetes gets auto-merge, which shows the first case is the note's doing.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { realIstioctlPair } from '../support/istioctl.js';
import { filesUnder, usePipelineHarness } from '../support/pipeline-harness.js';
import { REPO_ROOT } from '../support/runner.js';

vi.setConfig({ testTimeout: 300_000 });

const pair = realIstioctlPair();
const EXAMPLE = join(REPO_ROOT, 'examples/gitops-flux');
const CONFIG = '.github/istio-autopilot.yaml';

/** The example Flux repo, auto-merging every hop, on the given Kubernetes version. */
function exampleOn(kubernetes: string): Record<string, string> {
  const files = filesUnder(EXAMPLE);
  const config = files[CONFIG]!;
  files[CONFIG] = config
    .replace(/kubernetes-version: "[\d.]+"/, `kubernetes-version: "${kubernetes}"`)
    .replace(/auto-merge-when: \w+/, 'auto-merge-when: always');
  expect(files[CONFIG]).not.toBe(config);
  return files;
}

function suite(kubernetes: string, blocked: boolean): void {
  const real = 'skip' in pair ? undefined : pair;
  const h = usePipelineHarness({
    files: () => exampleOn(kubernetes),
    assets: () => [real!.old, real!.new],
  });

  it(`opens the control-plane PR ${blocked ? 'without' : 'with'} auto-merge`, async () => {
    const result = await h.runPipeline();
    expect(result.outputs).toMatchObject({ step: 'control-plane', operation: 'created' });
    const pull = h.repo.pulls.find((p) => p.number === Number(result.outputs['pull-request-number']))!;
    const warnings = result.commands.filter((c) => c.command === 'warning').map((c) => c.message);
    if (blocked) {
      expect(pull.autoMerge).toBeUndefined();
      expect(warnings.join('\n')).toContain('Istio 1.31 supports Kubernetes 1.32 to 1.36');
      expect(warnings.join('\n')).toContain('the PR is opened without auto-merge');
      expect(pull.body).toContain('Istio 1.31 supports Kubernetes 1.32 to 1.36');
    } else {
      expect(pull.autoMerge?.method).toBe('SQUASH');
      expect(warnings.join('\n')).not.toContain('without auto-merge');
    }
  });
}

describe.skipIf('skip' in pair)('a blocking upgrade note on Kubernetes 1.31', () => suite('1.31', true));
describe.skipIf('skip' in pair)('no blocking note on Kubernetes 1.33', () => suite('1.33', false));
