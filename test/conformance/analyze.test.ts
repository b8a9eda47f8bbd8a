// analyzeManifests against the real istioctl of both pinned versions: exact findings, thresholds,
// suppressions, unknown and unparseable files.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalyzeFinding, AnalyzeOptions } from '../../src/core/istioctl/analyze.js';
import { analyzeManifests, checkAnalyzeExit } from '../../src/core/istioctl/analyze.js';
import { recordingLogger } from '../support/recording-logger.js';
import { runIstioctlProcess } from '../../src/core/istioctl/process.js';
import { realIstioctl } from '../support/istioctl.js';

const FIXTURES = new URL('./__fixtures__/analyze/', import.meta.url).pathname;
const TREE = join(FIXTURES, 'tree');

/** code, level, file:line and origin: what a reviewer sees. */
function brief(findings: AnalyzeFinding[]): string[] {
  return findings.map((f) => `${f.level} ${f.code} ${f.reference ?? '-'} ${f.origin}`);
}

const EXPECTED_TREE = [
  'Error IST0101 apps/shop/virtualservice.yaml:13 VirtualService shop/reviews',
  'Error IST0101 gateways/edge.yaml:27 VirtualService edge/storefront',
  'Warning IST0128 apps/web/destinationrule.yaml:1 DestinationRule web/frontend',
  'Warning IST0132 gateways/edge.yaml:27 VirtualService edge/storefront',
  'Info IST0131 apps/web/virtualservice.yaml:1 VirtualService web/ratings',
];

for (const which of ['old', 'new'] as const) {
  const istioctl = realIstioctl(which);
  const skip = 'skip' in istioctl ? istioctl.skip : undefined;
  describe.skipIf(skip)(`istioctl analyze conformance (${which} istioctl)`, () => {
    const binary = 'skip' in istioctl ? '' : istioctl.binary;
    const version = 'skip' in istioctl ? '' : istioctl.version;
    const analyze = (options: Partial<AnalyzeOptions>) =>
      analyzeManifests({ binary, version, paths: ['**/*'], cwd: TREE, ...options });

    it('reports the bad VirtualService and the missing gateway with exact codes, levels, files and lines', async () => {
      const { logger, notices } = recordingLogger();
      const result = await analyze({ logger });
      expect(brief(result.findings)).toEqual(EXPECTED_TREE);
      expect(result.findings[0]!.message).toBe(
        'Referenced host+subset in destinationrule not found: "reviews.shop.svc.cluster.local+v9"',
      );
      expect(result.findings[1]!.message).toBe('Referenced gateway not found: "edge/missing-gateway"');
      const minor = version.split('.').slice(0, 2).join('.');
      expect(result.findings[0]!.documentationUrl).toBe(
        `https://istio.io/v${minor}/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze`,
      );
      expect(result.counts).toEqual({ errors: 2, warnings: 2, infos: 1 });
      expect(result.result).toBe('fail');
      expect(result.args).toContain('-A');
      expect(result.args).not.toContain('-R');
      // The clean namespace and the Gateway itself raise nothing: offline, istioctl reads no Pods, so
      // its selector check (gateway.IngressGatewayPortAnalyzer) is skipped rather than failing.
      expect(result.findings.some((f) => f.origin.includes('clean/') || f.origin.startsWith('Gateway'))).toBe(
        false,
      );
      expect(notices.map((n) => `${n.file}:${n.line}`)).toEqual([
        'kustomize/kustomization.yaml:1',
        'kustomize/replicas-patch.yaml:1',
      ]);
    });

    it('decides pass or fail at each threshold itself', async () => {
      const tree = await analyze({ failureThreshold: 'Error' });
      expect(tree.result).toBe('fail');
      const web = ['apps/web/*.yaml'];
      expect((await analyze({ paths: web, failureThreshold: 'Error' })).result).toBe('pass');
      expect((await analyze({ paths: web, failureThreshold: 'Warning' })).result).toBe('fail');
      const info = ['apps/web/virtualservice.yaml'];
      expect((await analyze({ paths: info, failureThreshold: 'Warning' })).result).toBe('pass');
      expect((await analyze({ paths: info, failureThreshold: 'Info' })).result).toBe('fail');
    });

    it('reports only findings at or above the output threshold', async () => {
      const result = await analyze({ outputThreshold: 'Warning', failureThreshold: 'Error' });
      expect(brief(result.findings)).toEqual(EXPECTED_TREE.slice(0, 4));
      expect(result.counts).toEqual({ errors: 2, warnings: 2, infos: 0 });
      const onlyErrors = await analyze({ outputThreshold: 'Error', failureThreshold: 'Error' });
      expect(onlyErrors.counts).toEqual({ errors: 2, warnings: 0, infos: 0 });
    });

    it('never hides a finding that fails the check behind the output threshold', async () => {
      const result = await analyze({
        paths: ['apps/web/*.yaml'],
        outputThreshold: 'Error',
        failureThreshold: 'Warning',
      });
      expect(result.result).toBe('fail');
      expect(brief(result.findings)).toEqual([EXPECTED_TREE[2]]);
    });

    it('suppresses findings in the CODE=Kind namespace/name form, with wildcards', async () => {
      const result = await analyze({
        suppress: ['IST0101=VirtualService shop/reviews', 'IST0128=DestinationRule web/*'],
      });
      expect(brief(result.findings)).toEqual([EXPECTED_TREE[1], EXPECTED_TREE[3], EXPECTED_TREE[4]]);
    });

    it("does not suppress with the `Kind name.namespace` form istioctl's help shows", async () => {
      // istioctl --help documents `IST0102=DestinationRule primary-dr.default`; the binary matches origins.
      const result = await analyze({
        paths: ['apps/web/destinationrule.yaml'],
        suppress: ['IST0128=DestinationRule frontend.web'],
      });
      expect(brief(result.findings)).toEqual([EXPECTED_TREE[2]]);
    });

    it('without all-namespaces loses findings outside namespace default, as istioctl does', async () => {
      const result = await analyze({ allNamespaces: false });
      expect(result.findings).toEqual([]);
      expect(result.args).not.toContain('-A');
    });

    it('skips kustomizations and patches with a notice when ignore-unknown, and fails on them otherwise', async () => {
      const paths = ['kustomize/*', 'clean/*.yaml'];
      const ignored = await analyze({ paths });
      expect(ignored.result).toBe('pass');
      expect(ignored.findings).toEqual([]);
      expect(ignored.analyzedFiles).toEqual(['clean/namespace.yaml', 'clean/reviews.yaml']);
      expect(ignored.skipped.map((s) => `${s.file}:${s.line}`)).toEqual([
        'kustomize/kustomization.yaml:1',
        'kustomize/replicas-patch.yaml:1',
      ]);
      const strict = await analyze({ paths, ignoreUnknown: false });
      expect(strict.result).toBe('fail');
      expect(brief(strict.findings)).toEqual([
        'Error unknown-document kustomize/kustomization.yaml:1 kustomize/kustomization.yaml',
        'Error unknown-document kustomize/replicas-patch.yaml:1 kustomize/replicas-patch.yaml',
      ]);
    });

    it('reports an unparseable document at its line and still analyzes the rest of the file', async () => {
      const result = await analyzeManifests({
        binary,
        version,
        paths: ['mixed.yaml'],
        cwd: join(FIXTURES, 'broken'),
      });
      expect(brief(result.findings)).toEqual([
        'Error unparseable-file mixed.yaml:16 mixed.yaml',
        'Error IST0101 mixed.yaml:29 VirtualService broken/after-the-break',
      ]);
      expect(result.findings[0]!.message).toContain("did not find expected ',' or ']'");
      expect(result.result).toBe('fail');
    });

    it('reports a document istioctl rejects inside an otherwise readable file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'analyze-mixed-'));
      writeFileSync(
        join(dir, 'mixed.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n---\n# values\nreplicas: 3\n',
      );
      const ignored = await analyzeManifests({ binary, version, paths: ['.'], cwd: dir });
      expect(ignored.skipped).toEqual([expect.objectContaining({ file: 'mixed.yaml', line: 8 })]);
      expect(ignored.result).toBe('pass');
      const strict = await analyzeManifests({
        binary,
        version,
        paths: ['.'],
        cwd: dir,
        ignoreUnknown: false,
      });
      expect(brief(strict.findings)).toEqual(['Error unknown-document mixed.yaml:8 mixed.yaml']);
    });

    it('returns no findings for a clean tree', async () => {
      const result = await analyze({ paths: ['clean'] });
      expect(result).toMatchObject({
        result: 'pass',
        findings: [],
        counts: { errors: 0, warnings: 0, infos: 0 },
      });
      expect(result.analyzedFiles).toEqual(['clean/namespace.yaml', 'clean/reviews.yaml']);
    });

    it('reads JSON manifests, whose findings have a file but no line', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'analyze-json-'));
      cpSync(join(TREE, 'apps/shop/namespace.yaml'), join(dir, 'namespace.yaml'));
      writeFileSync(
        join(dir, 'vs.json'),
        JSON.stringify({
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'j', namespace: 'shop' },
          spec: { hosts: ['j'], http: [{ route: [{ destination: { host: 'j', subset: 'x' } }] }] },
        }),
      );
      const result = await analyzeManifests({ binary, version, paths: ['*.json'], cwd: dir });
      expect(brief(result.findings)).toEqual(['Error IST0101 vs.json VirtualService shop/j']);
      expect(result.findings[0]!.line).toBeUndefined();
    });

    it('confirms the binary: -R from 1.25 prints a notice and analyzes nothing', async () => {
      const run = await runIstioctlProcess(
        binary,
        ['analyze', '--use-kube=false', '-A', '-o', 'json', '-R', 'apps'],
        {
          cwd: TREE,
        },
      );
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('recursive flag has been removed');
      expect(run.stdout).not.toContain('IST0101');
    });

    it('confirms the binary: -o json exits 0 with findings, -o log exits 79, unknown flags 64', async () => {
      const base = ['analyze', '--use-kube=false', '-A', 'apps/shop'];
      expect((await runIstioctlProcess(binary, [...base, '-o', 'json'], { cwd: TREE })).exitCode).toBe(0);
      expect((await runIstioctlProcess(binary, base, { cwd: TREE })).exitCode).toBe(79);
      expect((await runIstioctlProcess(binary, [...base, '--no-such-flag'], { cwd: TREE })).exitCode).toBe(
        64,
      );
      const parse = await runIstioctlProcess(binary, ['analyze', '--use-kube=false', '-A', 'mixed.yaml'], {
        cwd: join(FIXTURES, 'broken'),
      });
      expect(parse.exitCode).toBe(79); // findings outrank the parse error
      const onlyBroken = await runIstioctlProcess(
        binary,
        ['analyze', '--use-kube=false', '-A', 'replicas-patch.yaml'],
        {
          cwd: join(TREE, 'kustomize'),
        },
      );
      expect(onlyBroken.exitCode).toBe(65);
    });

    it("turns bad usage into a typed error naming istioctl's complaint", async () => {
      const run = await runIstioctlProcess(
        binary,
        ['analyze', '--use-kube=false', '--no-such-flag', 'clean'],
        {
          cwd: TREE,
        },
      );
      expect(() => checkAnalyzeExit(run.exitCode, run.stderr, 'json')).toThrow(
        /rejected its arguments \(exit 64\): Error: unknown flag: --no-such-flag/,
      );
    });
  });
}
