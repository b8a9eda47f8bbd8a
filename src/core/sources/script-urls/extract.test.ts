import { describe, expect, it } from 'vitest';
import { describeSources, moveFixture } from '../__fixtures__/harness.js';
import { scriptUrlsKind } from './index.js';

const fixture = () => moveFixture(new URL('./__fixtures__/', import.meta.url), 'install.sh', scriptUrlsKind);

describe('script-urls sources', () => {
  it('finds chart, OCI, hub, image and download locations in a script, and no mirror', () => {
    expect(describeSources(fixture().sources)).toEqual([
      '4:21 none line 4 https://istio-release.storage.googleapis.com/charts',
      '5:21 none line 5 oci://gcr.io/istio-release/charts/istiod',
      '6:20 none line 6 gcr.io/istio-release',
      '6:60 none line 6 gcr.io/istio-release/pilot:1.30.4',
      '7:14 none line 7 https://storage.googleapis.com/istio-release/releases/1.30.4/istio-1.30.4-linux-amd64.tar.gz',
    ]);
  });

  it('moves only the location tokens, byte for byte', () => {
    const { after, expected } = fixture();
    expect(after.toString('latin1')).toBe(expected.toString('latin1'));
  });
});
