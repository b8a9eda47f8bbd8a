import { describe, expect, it } from 'vitest';
import { parseUpgradeContext } from './upgrade-context.js';

describe('upgrade context from the environment', () => {
  it('reads the pipeline facts', () => {
    expect(parseUpgradeContext('{"component":"control-plane","from":"1.24.1","to":"1.24.2"}')).toEqual({
      component: 'control-plane',
      from: '1.24.1',
      to: '1.24.2',
    });
    expect(parseUpgradeContext(undefined)).toBeUndefined();
    expect(parseUpgradeContext('  ')).toBeUndefined();
  });

  it('rejects malformed JSON, non-objects and versions that are not Istio versions', () => {
    expect(() => parseUpgradeContext('{')).toThrow(/not valid JSON/);
    expect(() => parseUpgradeContext('[1]')).toThrow(/JSON object/);
    expect(() => parseUpgradeContext('{"to":"latest"}')).toThrow(/'latest' is not an Istio version/);
    expect(() => parseUpgradeContext('{"component":3}')).toThrow(/component must be a string/);
  });
});
