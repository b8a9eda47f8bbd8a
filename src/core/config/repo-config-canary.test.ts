import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseRepoConfig } from './repo-config.js';

describe('repo config: strategy canary with waves', () => {
  it('is refused, naming the waves line and saying what to do', () => {
    const text = [
      'policy: latest',
      'strategy: canary',
      'waves:',
      '  - name: dev',
      '    paths: [clusters/dev/**]',
      '',
    ].join('\n');
    let error: unknown;
    try {
      parseRepoConfig(text, '.github/istio-autopilot.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const failure = error as InvalidInputError;
    expect(failure.message).toBe("'waves' cannot be combined with strategy: canary");
    expect(failure.file).toBe('.github/istio-autopilot.yaml');
    expect(failure.line).toBe(4);
    expect(failure.hint).toContain('strategy: in-place');
  });

  it('keeps waves with the in-place strategy, and canary without waves', () => {
    const waves = 'waves:\n  - name: dev\n    paths: [clusters/dev/**]\n';
    expect(parseRepoConfig(`strategy: in-place\n${waves}`).waves).toHaveLength(1);
    expect(parseRepoConfig('strategy: canary\n').strategy).toBe('canary');
  });
});
