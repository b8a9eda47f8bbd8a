// analyze-manifests end to end: the committed bundle, a real istioctl, the runner's file commands.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/github-emulator/server.js';
import { realIstioctl } from '../support/istioctl.js';
import { REPO_ROOT, runAction } from '../support/runner.js';

const TREE = join(REPO_ROOT, 'test/conformance/__fixtures__/analyze/tree');
const istioctl = realIstioctl('new');
const skip = 'skip' in istioctl ? istioctl.skip : undefined;
const binary = 'skip' in istioctl ? '' : istioctl.binary;

function workspaceWithTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-ws-'));
  cpSync(TREE, dir, { recursive: true });
  return dir;
}

const at = (c: { properties: string }) => {
  const file = /file=([^,]+)/.exec(c.properties)?.[1];
  const line = /line=(\d+)/.exec(c.properties)?.[1];
  return file ? `${file}:${line ?? ''}` : '(no file)';
};

describe.skipIf(skip)('analyze-manifests bundle', () => {
  it('annotates findings on file:line, most severe first, sets outputs, and fails at Error', async () => {
    const run = await runAction('analyze-manifests', {
      cwd: workspaceWithTree(),
      inputs: { paths: '**/*.yaml', istioctl: binary, 'sarif-file': 'out/analyze.sarif' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({
      errors: '2',
      warnings: '2',
      infos: '1',
      result: 'fail',
      'sarif-file': 'out/analyze.sarif',
    });
    const annotations = run.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command));
    expect(annotations.map((c) => `${c.command} ${at(c)}`)).toEqual([
      // The mesh model names the root kustomize cannot build (it loads files outside its directory).
      'warning kustomize/kustomization.yaml:',
      'error apps/shop/virtualservice.yaml:13',
      'error gateways/edge.yaml:27',
      'warning apps/web/destinationrule.yaml:1',
      'warning gateways/edge.yaml:27',
      'notice kustomize/kustomization.yaml:1',
      'notice kustomize/replicas-patch.yaml:1',
      'notice apps/web/virtualservice.yaml:1',
      // setFailed's own error line comes last
      'error (no file)',
    ]);
    expect(annotations[0]!.message).toMatch(/kustomize build kustomize failed: /);
    expect(annotations[1]!.properties).toContain('title=IST0101 Error');
    expect(annotations[1]!.message).toContain('reviews.shop.svc.cluster.local+v9');
    expect(annotations.at(-1)!.message).toContain('2 errors, 2 warnings, 1 infos at or above Error');
    // The summary lists every finding, grouped by file, with its documentation link.
    for (const file of [
      'apps/shop/virtualservice.yaml',
      'gateways/edge.yaml',
      'apps/web/destinationrule.yaml',
      'apps/web/virtualservice.yaml',
    ])
      expect(run.summary).toContain(`### \`${file}\``);
    expect(run.summary).toContain(
      '[IST0131](https://istio.io/v1.31/docs/reference/config/analysis/ist0131/?ref=istioctl-analyze)',
    );
    expect(run.summary).toContain('2 documents skipped');
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema', async () => {
    const cwd = workspaceWithTree();
    const run = await runAction('analyze-manifests', {
      cwd,
      inputs: { paths: 'apps', istioctl: binary, 'sarif-file': 'analyze.sarif' },
    });
    const sarif = JSON.parse(readFileSync(join(cwd, 'analyze.sarif'), 'utf8')) as {
      runs: {
        results: {
          ruleId: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'test/fixtures/sarif-2.1.0-subset.schema.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), ajv.errorsText(validate.errors)).toBe(true);
    expect(
      sarif.runs[0]!.results.map(
        (r) =>
          `${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`,
      ),
    ).toEqual([
      'IST0101 apps/shop/virtualservice.yaml:13',
      'IST0128 apps/web/destinationrule.yaml:1',
      'IST0131 apps/web/virtualservice.yaml:1',
    ]);
    expect(run.outputs['sarif-file']).toBe('analyze.sarif');
  });

  it('passes or fails by failure-threshold', async () => {
    const cwd = workspaceWithTree();
    const inputs = { paths: 'apps/web', istioctl: binary };
    const atError = await runAction('analyze-manifests', { cwd, inputs });
    expect([atError.exitCode, atError.outputs.result]).toEqual([0, 'pass']);
    const atWarning = await runAction('analyze-manifests', {
      cwd,
      inputs: { ...inputs, 'failure-threshold': 'warning' },
    });
    expect([atWarning.exitCode, atWarning.outputs.result]).toEqual([1, 'fail']);
    const outputOnlyErrors = await runAction('analyze-manifests', {
      cwd,
      inputs: { ...inputs, 'output-threshold': 'Error' },
    });
    expect(outputOnlyErrors.outputs).toMatchObject({
      errors: '0',
      warnings: '0',
      infos: '0',
      result: 'pass',
    });
  });

  it('keeps to 10 annotations per type and summarises the overflow, while the summary lists all', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'analyze-cap-'));
    for (let i = 0; i < 13; i++) {
      writeFileSync(
        join(cwd, `vs-${String(i).padStart(2, '0')}.yaml`),
        `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs${i}\n  namespace: cap\nspec:\n  hosts: [h${i}]\n  http:\n    - route:\n        - destination:\n            host: h${i}\n            subset: none\n`,
      );
    }
    const run = await runAction('analyze-manifests', { cwd, inputs: { paths: '.', istioctl: binary } });
    expect(run.outputs.errors).toBe('13');
    const errors = run.commands.filter((c) => c.command === 'error');
    const findingErrors = errors.slice(0, 10);
    expect(findingErrors.slice(0, 9).map(at)).toEqual(
      Array.from({ length: 9 }, (_, i) => `vs-0${i}.yaml:11`),
    );
    expect(findingErrors[9]!.message).toContain('4 more error-level results are not annotated');
    // The 11th error is the step failure itself, which GitHub shows as the step's conclusion.
    expect(errors).toHaveLength(11);
    for (let i = 0; i < 13; i++)
      expect(run.summary).toContain(`### \`vs-${String(i).padStart(2, '0')}.yaml\``);
    expect(run.summary).toContain('4 findings have no annotation of their own');
  });

  it('finds istioctl on PATH when the istioctl input is empty', async () => {
    const run = await runAction('analyze-manifests', {
      cwd: workspaceWithTree(),
      inputs: { paths: 'clean' },
      env: { PATH: `${dirname(binary)}:${process.env.PATH ?? ''}` },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'pass', errors: '0' });
    expect(run.summary).toContain(`istioctl ${'skip' in istioctl ? '' : istioctl.version} analyzed 2 files`);
  });

  it('rejects a bad threshold with a message naming the input', async () => {
    const run = await runAction('analyze-manifests', {
      cwd: workspaceWithTree(),
      inputs: { paths: 'clean', istioctl: binary, 'failure-threshold': 'Critical' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      "input 'failure-threshold': 'Critical' is not an analysis level",
    );
  });

  describe('changed-only on a pull request', () => {
    const emulator = new GitHubEmulator();
    const changed = [
      'apps/web/destinationrule.yaml',
      ...Array.from({ length: 120 }, (_, i) => `docs/page-${i}.md`),
    ];
    beforeAll(async () => {
      emulator.route({
        method: 'GET',
        template: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
        operation: { path: '/repos/{owner}/{repo}/pulls/{pull_number}/files', method: 'get' },
        handler: (req) => {
          // The changed manifest sits on the second page, so pagination must be followed.
          const files = [...changed.slice(1), changed[0]!].map((filename, i) => ({
            sha: 'a'.repeat(40),
            filename,
            status: 'modified' as const,
            additions: 1,
            deletions: 0,
            changes: 1,
            blob_url: `${emulator.url}/blob/${i}`,
            raw_url: `${emulator.url}/raw/${i}`,
            contents_url: `${emulator.url}/contents/${i}`,
          }));
          const perPage = Number(req.query.get('per_page') ?? 30);
          const page = Number(req.query.get('page') ?? 1);
          const next = page * perPage < files.length;
          const q = new URLSearchParams({ per_page: String(perPage), page: String(page + 1) });
          return {
            status: 200,
            body: files.slice((page - 1) * perPage, page * perPage),
            headers: (next
              ? { link: `<${emulator.url}${req.path}?${q.toString()}>; rel="next"` }
              : {}) as Record<string, string>,
          };
        },
      });
      await emulator.start();
    });
    afterAll(() => emulator.stop());

    it('annotates only files the pull request changes, and the analysis still covers everything', async () => {
      const cwd = workspaceWithTree();
      const event = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
      mkdirSync(dirname(event), { recursive: true });
      writeFileSync(event, JSON.stringify({ pull_request: { number: 42 } }));
      const run = await runAction('analyze-manifests', {
        cwd,
        inputs: {
          paths: 'apps',
          istioctl: binary,
          'changed-only': true,
          'github-token': 'ghs_test',
          'github-api-url': emulator.url,
        },
        env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
      });
      const annotations = run.commands.filter(
        (c) => ['warning', 'notice'].includes(c.command) || (c.command === 'error' && c.properties),
      );
      expect(annotations.map((c) => `${c.command} ${at(c)}`)).toEqual([
        'warning apps/web/destinationrule.yaml:1',
      ]);
      expect(run.outputs).toMatchObject({ errors: '1', warnings: '1', infos: '1', result: 'fail' });
      expect(run.summary).toContain('### `apps/shop/virtualservice.yaml`');
      expect(emulator.requests.filter((r) => r.path.includes('/pulls/42/files')).length).toBe(2);
      expect(emulator.schemaViolations).toEqual([]);
      expect(existsSync(join(cwd, 'analyze.sarif'))).toBe(false);
    });
  });
});
