import { describe, expect, it } from 'vitest';
import { parseMetadata, renderMetadata } from './pr-metadata.js';
import { isValidBranchName, upgradeBranchName } from '../github/branch-name.js';

describe('pull request metadata', () => {
  it('round-trips through a PR body with prose around it', () => {
    const body = `Upgrade\n\n${renderMetadata({ component: 'control-plane', from: '1.24.1', to: '1.24.2', policy: 'minor' })}\n\nmore`;
    expect(parseMetadata(body)).toEqual({
      component: 'control-plane',
      from: '1.24.1',
      to: '1.24.2',
      policy: 'minor',
    });
  });

  it('keeps a value containing --> from closing the hidden comment', () => {
    const block = renderMetadata({ component: 'x', policy: 'a --> <b>' });
    expect(block.indexOf('-->')).toBe(block.length - 3);
    expect(parseMetadata(block)?.policy).toBe('a --> <b>');
  });

  it('ignores bodies without a block or with a malformed one', () => {
    expect(parseMetadata('a human PR')).toBeUndefined();
    expect(parseMetadata('<!-- istio-autopilot:metadata {nope} -->')).toBeUndefined();
    expect(parseMetadata(null)).toBeUndefined();
  });
});

describe('upgrade branch names', () => {
  it('is deterministic per component and target minor', () => {
    expect(upgradeBranchName('control-plane', '1.24.2')).toBe('istio-autopilot/control-plane-1.24');
    expect(upgradeBranchName('control-plane', '1.24.3')).toBe(upgradeBranchName('control-plane', '1.24.2'));
    expect(upgradeBranchName('Data Plane', '1.25.0-rc.0')).toBe('istio-autopilot/data-plane-1.25');
    expect(upgradeBranchName('istio')).toBe('istio-autopilot/istio');
  });

  it('only produces names git accepts', () => {
    for (const component of ['..', 'a..b', '~x^', 'ok.lock'])
      expect(isValidBranchName(upgradeBranchName(component, '1.2.3'))).toBe(true);
    expect(isValidBranchName('a..b')).toBe(false);
    expect(isValidBranchName('x.lock')).toBe(false);
  });
});
