import { describe, expect, it } from 'vitest';
import {
  chartRepositoryServes,
  currentChartRepository,
  currentImageLocation,
  imageRegistryServes,
} from './artifact-hosts.js';

const before = new Date('2026-12-01T12:00:00Z');
const after = new Date('2026-12-10T00:00:00Z');

describe('chartRepositoryServes', () => {
  it('says the old chart bucket never had 1.31 and names the blob URL', () => {
    const verdict = chartRepositoryServes(
      'https://istio-release.storage.googleapis.com/charts',
      '1.31.0',
      before,
    );
    expect(verdict).toMatchObject({
      serves: false,
      replacement: 'https://blob.istio.io/istio-release/charts',
    });
    expect(verdict.reason).toContain('from 1.31');
  });

  it('still serves 1.30 from the old bucket before December removal, with a warning and the move', () => {
    const verdict = chartRepositoryServes(
      'https://istio-release.storage.googleapis.com/charts/',
      '1.30.4',
      before,
    );
    expect(verdict).toMatchObject({
      serves: true,
      replacement: 'https://blob.istio.io/istio-release/charts/',
    });
    expect(verdict.reason).toContain('December 2026');
  });

  it('serves no version from the old hosts once they are removed', () => {
    expect(
      chartRepositoryServes('https://istio-release.storage.googleapis.com/charts', '1.24.0', after).serves,
    ).toBe(false);
    expect(imageRegistryServes('gcr.io/istio-release', '1.24.0', after).serves).toBe(false);
  });

  it('moves OCI chart references to ghcr.io, with or without the scheme, keeping the chart name', () => {
    expect(chartRepositoryServes('oci://gcr.io/istio-release/charts/istiod', '1.31.0', before)).toMatchObject(
      {
        serves: false,
        replacement: 'oci://ghcr.io/istio/release/charts/istiod',
      },
    );
    expect(currentChartRepository('gcr.io/istio-release/charts')).toBe('ghcr.io/istio/release/charts');
  });

  it('upgrades plain http on the bucket to https on blob.istio.io', () => {
    expect(currentChartRepository('http://storage.googleapis.com/istio-release/releases/1.3.4/charts/')).toBe(
      'https://blob.istio.io/istio-release/releases/1.3.4/charts/',
    );
  });

  it('leaves mirrors and lookalike hosts alone', () => {
    for (const url of [
      'https://charts.example.com/istio',
      'https://istio-release.storage.googleapis.com.mirror.example.com/charts',
      'oci://gcr.io/istio-release-mirror/charts',
      'https://blob.istio.io/istio-release/charts',
      'oci://ghcr.io/istio/release/charts',
    ]) {
      expect(chartRepositoryServes(url, '1.31.0', after)).toEqual({ serves: true });
      expect(currentChartRepository(url)).toBeUndefined();
    }
  });
});

describe('imageRegistryServes', () => {
  it('moves images and hubs on gcr.io/istio-release to docker.io/istio, keeping name and tag', () => {
    expect(imageRegistryServes('gcr.io/istio-release/proxyv2:1.31.0', '1.31.0', before)).toMatchObject({
      serves: false,
      replacement: 'docker.io/istio/proxyv2:1.31.0',
    });
    expect(currentImageLocation('registry.istio.io/release')).toBe('docker.io/istio');
    expect(currentImageLocation('GCR.io/istio-release/pilot@sha256:abc')).toBe(
      'docker.io/istio/pilot@sha256:abc',
    );
  });

  it('has no successor for development builds on registry.istio.io/testing', () => {
    expect(imageRegistryServes('registry.istio.io/testing', '1.31.0', before)).toMatchObject({
      serves: false,
    });
    expect(currentImageLocation('registry.istio.io/testing')).toBeUndefined();
  });

  it('lets Docker Hub and private registries serve', () => {
    expect(imageRegistryServes('docker.io/istio', '1.31.0', after)).toEqual({ serves: true });
    expect(imageRegistryServes('registry.example.com/gcr.io/istio-release', '1.31.0', after)).toEqual({
      serves: true,
    });
  });
});
