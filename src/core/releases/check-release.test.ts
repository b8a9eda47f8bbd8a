import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFormatError, InvalidInputError, NotFoundError } from '../errors.js';
import {
  checkRelease,
  failOnReasons,
  parseFailOn,
  readCurrentVersion,
  type ReleaseSources,
} from './check-release.js';
import { loadIstioDataset } from './dataset.js';
import { renderReleaseSummary } from './release-summary.js';

const dataset = loadIstioDataset();
const offline: ReleaseSources = {
  releases: dataset.releases,
  advisories: dataset.advisories,
  support: dataset.support,
  releasesFrom: 'dataset',
  advisoriesFrom: 'dataset',
  datasetAsOf: dataset.asOf,
  warnings: [],
};
const now = new Date('2026-09-22T12:00:00Z');

describe('checkRelease', () => {
  it('answers for a supported version with a patch and a fix waiting', () => {
    const check = checkRelease({ currentVersion: '1.30.3', now, kubernetesVersion: '1.36' }, offline);
    expect(check).toMatchObject({
      current: '1.30.3',
      latest: '1.31.1',
      target: '1.30.5',
      updateType: 'patch',
      upgradePath: ['1.30.5', '1.31.1'],
      vulnerable: true,
      eol: false,
      kubernetesSupported: true,
    });
    expect(check.advisories.map((a) => a.id)).toEqual(['ISTIO-SECURITY-2026-006']);
    expect(check.fixedAdvisories).toEqual(['ISTIO-SECURITY-2026-006']);
  });

  it('uses supported minors for the supported policy', () => {
    const check = checkRelease({ currentVersion: '1.27.2', policy: 'supported', now }, offline);
    expect(check.destination).toBe('1.31.1');
    const later = checkRelease({ currentVersion: '1.27.2', policy: 'supported <1.31', now }, offline);
    expect(later.destination).toBe('1.30.5');
  });

  it('accepts a v prefix and reports the normalised version', () => {
    expect(checkRelease({ currentVersion: 'v1.29.8', now }, offline).current).toBe('1.29.8');
  });

  it('rejects a version that is not a release, naming the nearest', () => {
    expect(() => checkRelease({ currentVersion: '1.17.7', now }, offline)).toThrow(NotFoundError);
    try {
      checkRelease({ currentVersion: '1.17.7', now }, offline);
    } catch (error) {
      expect((error as NotFoundError).describe()).toMatch(
        /1\.17\.7 is not an Istio release[\s\S]*1\.17\.5, 1\.17\.6, 1\.17\.8, 1\.18\.0/,
      );
    }
  });

  it('says when nothing satisfies the policy', () => {
    expect(() => checkRelease({ currentVersion: '1.30.3', policy: '>=3', now }, offline)).toThrow(
      /no Istio release satisfies the version policy '>=3'/,
    );
  });
});

describe('fail-on', () => {
  it('rejects unknown conditions', () => {
    expect(() => parseFailOn(['eol', 'old'])).toThrow(InvalidInputError);
  });

  it('gives one reason per condition met', () => {
    const check = checkRelease({ currentVersion: '1.13.2', now, kubernetesVersion: '1.30' }, offline);
    const reasons = failOnReasons(
      check,
      parseFailOn(['outdated', 'vulnerable', 'eol', 'unsupported-kubernetes']),
    );
    expect(reasons).toHaveLength(4);
    const newest = checkRelease({ currentVersion: '1.31.1', now }, offline);
    expect(failOnReasons(newest, ['outdated', 'vulnerable', 'eol', 'unsupported-kubernetes'])).toEqual([]);
  });
});

describe('readCurrentVersion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'version-files-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads plain files, spec.tag and spec.version, and takes the oldest of several', async () => {
    const plain = file('plain', '1.30.4\n');
    const operator = file(
      'op.yaml',
      'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.29.2\n',
    );
    const sail = file('sail.yaml', 'kind: Istio\nspec:\n  version: v1.31.0\n');
    expect(await readCurrentVersion([plain])).toEqual({ version: '1.30.4', file: plain, line: 1 });
    expect(await readCurrentVersion([operator])).toMatchObject({ version: '1.29.2', line: 4 });
    expect((await readCurrentVersion([plain, operator, sail])).version).toBe('1.29.2');
  });

  it('says where a file holds no version', async () => {
    const bad = file('bad.yaml', 'spec:\n  tag: latest\n');
    await expect(readCurrentVersion([bad])).rejects.toThrow(FileFormatError);
    await expect(readCurrentVersion([file('empty', '# nothing\n')])).rejects.toThrow(
      /no Istio version found/,
    );
    await expect(readCurrentVersion([join(dir, 'missing')])).rejects.toThrow(/cannot read/);
    await expect(readCurrentVersion([])).rejects.toThrow(/no current version given/);
  });
});

describe('renderReleaseSummary', () => {
  it('stays under the limit it is given', () => {
    const check = checkRelease({ currentVersion: '1.1.0', now }, offline);
    const full = renderReleaseSummary(check);
    expect(full).toContain('### Support');
    const small = renderReleaseSummary(check, 2000);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(2000);
    expect(small).toContain('| current | target | latest | path |');
  });
});
