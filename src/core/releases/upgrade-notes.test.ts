import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MeshObject } from '../mesh/values/types.js';
import { currentChartRepository, currentImageLocation } from './artifact-hosts.js';
import notesFile from '../../../data/upgrade-notes.json' with { type: 'json' };
import { loadIstioDataset } from './dataset.js';
import { detectUpgradeNotes, type NoteSubject } from './upgrade-notes-detect.js';
import { loadUpgradeNotes, notesForHop } from './upgrade-notes.js';

const istiod = (values: Record<string, unknown>): MeshObject => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  name: 'istiod',
  namespace: 'istio-system',
  object: { spec: { chart: { spec: { chart: 'istiod', version: '1.30.4' } }, values } },
  source: { file: 'istio/istiod.yaml', line: 1 },
});
const ids = (objects: NoteSubject[], from = '1.30.4', to = '1.31.0', kubernetesVersion?: string) =>
  detectUpgradeNotes(notesForHop(from, to), { objects, kubernetesVersion }).applies.map((a) => a.note.id);

describe('upgrade notes dataset', () => {
  it('cites an istio.io page for every rule and has unique ids', () => {
    const notes = loadUpgradeNotes();
    expect(new Set(notes.map((n) => n.id)).size).toBe(notes.length);
    for (const note of notes) expect(note.url).toMatch(/^https:\/\/istio\.io\//);
  });

  it('agrees with the artifact host rules on where charts and images live now', () => {
    const hosts = loadUpgradeNotes().find((n) => n.id === '1.31-artifact-hosts') as unknown as {
      url: string;
      locations: Record<string, string>;
    };
    expect(hosts.url).toMatch(/^https:\/\/istio\.io\/latest\/news\/releases\/1\.31\.x\/.*upgrade-notes/);
    expect(hosts.locations).toMatchObject({
      charts: currentChartRepository('https://istio-release.storage.googleapis.com/charts'),
      ociCharts: currentChartRepository('oci://gcr.io/istio-release/charts'),
      images: currentImageLocation('gcr.io/istio-release'),
    });
  });

  it('has the Kubernetes range of every recent minor the support data knows', () => {
    const support = loadIstioDataset().support.filter(
      (m) => m.kubernetes.length && Number(m.minor.split('.')[1]) >= 22,
    );
    const rules = loadUpgradeNotes().filter((n) => n.detect.type === 'kubernetes');
    expect(rules.map((r) => r.minor)).toEqual(support.map((m) => m.minor));
  });
});

describe('scripts/refresh-data.mjs', () => {
  it('finds the committed rules consistent with the support data they are generated from', () => {
    const script = fileURLToPath(new URL('../../../scripts/refresh-data.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it("refuses a detector or action outside the data file's own lists, which the action reads too", async () => {
    const script = '../../../scripts/refresh-data.mjs'; // a plain .mjs script, without types
    const { checkUpgradeNotes } = (await import(script)) as {
      checkUpgradeNotes: (notes: unknown[], support: unknown[], vocabulary: unknown) => string[];
    };
    const vocabulary = { detectors: notesFile.detectors, actions: notesFile.actions };
    const hand = notesFile.notes.find((n) => !('generated' in n))!;
    const odd = [
      { ...hand, id: 'x-detector', detect: { type: 'telepathy' } },
      { ...hand, id: 'x-action', action: 'ignore' },
    ];
    expect(checkUpgradeNotes(odd, [], vocabulary)).toEqual([
      "x-detector: unknown detector 'telepathy'",
      "x-action: unknown action 'ignore'",
    ]);
  });
});

describe('notesForHop', () => {
  it('takes the notes of every minor the hop crosses, and Kubernetes support only where it lands', () => {
    const minors = new Set(
      notesForHop('1.29.3', '1.31.0').map((n) => `${n.minor}:${n.detect.type === 'kubernetes'}`),
    );
    expect([...minors].sort()).toEqual(['1.30:false', '1.31:false', '1.31:true']);
    expect(notesForHop('1.31.0', '1.31.1').map((n) => n.id)).toEqual([
      '1.31-kubernetes',
      '1.31-artifact-hosts',
    ]);
  });
});

describe('detectUpgradeNotes', () => {
  it('warns about a removed env flag where the repo sets it', () => {
    const applies = detectUpgradeNotes(notesForHop('1.30.4', '1.31.0'), {
      objects: [istiod({ pilot: { env: { PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY: 'false' } } })],
    }).applies;
    const removed = applies.find((a) => a.note.id === '1.31-spawn-upstream-span-removed');
    expect(removed).toMatchObject({
      action: 'warn',
      findings: [{ file: 'istio/istiod.yaml', line: 1 }],
    });
    expect(removed!.findings[0]!.what).toContain(
      'PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY=false at spec.values.pilot.env',
    );
  });

  it('finds env flags in container env lists and proxyMetadata too', () => {
    const deployment: NoteSubject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'istiod',
      object: {
        spec: {
          template: {
            spec: {
              containers: [{ env: [{ name: 'PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY', value: 'true' }] }],
            },
          },
        },
      },
    };
    expect(ids([deployment])).toContain('1.31-spawn-upstream-span-removed');
  });

  it('lists a changed default unless the repo pins the flag or a compatibilityVersion that keeps it', () => {
    expect(ids([istiod({})])).toContain('1.31-unhealthy-endpoints');
    expect(ids([istiod({ pilot: { env: { PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS: 'false' } } })])).not.toContain(
      '1.31-unhealthy-endpoints',
    );
    expect(ids([istiod({ compatibilityVersion: '1.30' })])).not.toContain('1.31-unhealthy-endpoints');
    expect(ids([istiod({ compatibilityVersion: '1.31' })])).toContain('1.31-unhealthy-endpoints');
  });

  it('drops notes about features the repo does not use', () => {
    expect(ids([istiod({})])).toEqual(['1.31-unhealthy-endpoints']);
  });

  it('blocks a hop to 1.30 over Gateway API CRDs older than v1.5', () => {
    const kustomization: NoteSubject = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      name: '',
      object: { resources: ['github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.4.0'] },
      source: { file: 'crds/kustomization.yaml', line: 1 },
    };
    const applies = detectUpgradeNotes(notesForHop('1.29.6', '1.30.4'), { objects: [kustomization] }).applies;
    expect(applies.find((a) => a.note.id === '1.30-gateway-api-crds')).toMatchObject({ action: 'block' });
    kustomization.object = { resources: ['github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1'] };
    expect(ids([kustomization], '1.29.6', '1.30.4')).not.toContain('1.30-gateway-api-crds');
  });

  it('blocks a Kubernetes version the target does not support', () => {
    expect(ids([], '1.30.4', '1.31.0', 'v1.30.2')).toContain('1.31-kubernetes');
    expect(ids([], '1.30.4', '1.31.0', '1.33.1')).not.toContain('1.31-kubernetes');
  });

  it('says the retired hosts were handled when every source was moved', () => {
    const applies = detectUpgradeNotes(notesForHop('1.30.4', '1.31.0'), {
      objects: [],
      sources: [{ file: 'r.yaml', line: 3, value: 'gcr.io/istio-release', movedTo: 'docker.io/istio' }],
    }).applies;
    expect(applies[0]).toMatchObject({
      action: 'rewrite',
      done: "moved 1 location(s) to Istio's current hosts",
    });
  });

  it('blocks BackendTLSPolicy at v1alpha3 on a hop into 1.28, and not at v1', () => {
    const policy = (apiVersion: string): NoteSubject => ({
      apiVersion,
      kind: 'BackendTLSPolicy',
      name: 'tls',
      object: {},
    });
    expect(ids([policy('gateway.networking.k8s.io/v1alpha3')], '1.27.5', '1.28.3')).toContain(
      '1.28-backendtlspolicy-v1alpha3-removed',
    );
    expect(ids([policy('gateway.networking.k8s.io/v1')], '1.27.5', '1.28.3')).not.toContain(
      '1.28-backendtlspolicy-v1alpha3-removed',
    );
  });
});
