import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from './jobs.js';
import { PodSettingsCache } from './pod-settings-cache.js';
import { podSetting } from './selection.js';
import { existingMode } from './sidecar-mode.js';
import { parseManifest } from './workloads.js';

const dir = mkdtempSync(join(tmpdir(), 'pod-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BODY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels: {app: web, istio.io/rev: canary}
      annotations: {sidecar.istio.io/status: '{"revision":"canary"}'}
    spec:
      containers: [{name: web, image: web:1}, {name: istio-proxy, image: proxyv2:1.31.0}]
`;

/** A job over BODY whose parse is counted (or refused). */
function jobOf(parse: () => unknown): Job {
  return { body: BODY, source: parse } as unknown as Job;
}

describe('the pod-settings cache', () => {
  it('answers a body seen before without parsing it, with what the parse said', () => {
    let parses = 0;
    const cold = PodSettingsCache.open(dir);
    const first = jobOf(() => (parses++, parseManifest(BODY)));
    cold.attach([first]);
    const said = [podSetting(first, 'istio.io/rev'), podSetting(first, 'sidecar.istio.io/inject')];
    expect(said).toEqual(['canary', undefined]);
    expect(existingMode(first)).toBe('classic');
    expect(parses).toBeGreaterThan(0);
    cold.save();

    const warm = PodSettingsCache.open(dir);
    const again = jobOf(() => {
      throw new Error('parsed a body the cache knows');
    });
    warm.attach([again]);
    expect([podSetting(again, 'istio.io/rev'), podSetting(again, 'sidecar.istio.io/inject')]).toEqual(said);
    expect(existingMode(again)).toBe('classic');
  });

  it('knows a body this run writes, from the parse given to it', () => {
    const writer = PodSettingsCache.open(dir);
    const written = BODY.replace('canary', 'stable');
    writer.record(written, parseManifest(written));
    writer.save();
    const next = PodSettingsCache.open(dir);
    const job = {
      body: written,
      source: () => {
        throw new Error('parsed');
      },
    } as unknown as Job;
    next.attach([job]);
    expect(podSetting(job, 'istio.io/rev')).toBe('stable');
    expect(existingMode(job)).toBe('classic');
  });
});
