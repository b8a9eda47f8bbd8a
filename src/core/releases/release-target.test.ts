import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/support/recording-logger.js';
import { checkReleaseTarget } from './release-target.js';
import type { ReleaseList } from './sources.js';

const versions = ['1.23.4', '1.24.0', '1.24.1', '1.24.2', '1.25.0-rc.0', '1.25.0', '1.25.1'];
const live: ReleaseList = { versions, from: 'github' };
const dataset: ReleaseList = {
  versions,
  from: 'dataset',
  datasetAge: 'the bundled dataset as of 2026-01-01 (3 days old)',
};

describe('checkReleaseTarget', () => {
  it('accepts a release, with or without a v, and a listed prerelease', () => {
    expect(checkReleaseTarget('v1.24.2', live)).toEqual({ version: '1.24.2', checkedAgainst: 'github' });
    expect(checkReleaseTarget('1.25.0-rc.0', dataset).version).toBe('1.25.0-rc.0');
  });

  it('refuses a version missing from the live list, naming the input and the nearest GA releases', () => {
    expect(() => checkReleaseTarget('1.24.3', live)).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(
          "1.24.3 is not an Istio release (checked against GitHub's release list)",
        ),
        input: 'version',
        hint: expect.stringContaining('The nearest releases are 1.24.1, 1.24.2, 1.25.0, 1.25.1.'),
      }),
    );
  });

  it('refuses a version newer than the dataset when GitHub was unreachable, pointing at a token', () => {
    expect(() => checkReleaseTarget('1.26.0', dataset)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /1\.26\.0 is newer than every release in the bundled dataset .*newest 1\.25\.1/,
        ),
        hint: expect.stringMatching(/github-token.*allow-unreleased/),
      }),
    );
    expect(() => checkReleaseTarget('1.24.3', dataset)).toThrow(/1\.24\.3 is not an Istio release/);
  });

  it('lets allow-unreleased through with a warning', () => {
    const { warnings, logger } = recordingLogger();
    expect(checkReleaseTarget('1.26.0', dataset, { allowUnreleased: true, logger }).version).toBe('1.26.0');
    expect(warnings).toEqual([
      '1.26.0 is not in the bundled dataset as of 2026-01-01 (3 days old); pinning it anyway because allow-unreleased is set',
    ]);
  });

  it('refuses a target that is not a version at all, naming the input', () => {
    expect(() => checkReleaseTarget('latest', live)).toThrow(
      expect.objectContaining({ message: "'latest' is not an Istio version", input: 'version' }),
    );
  });
});
