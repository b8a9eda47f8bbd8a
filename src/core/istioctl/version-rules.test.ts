import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import {
  analyzeRecursiveFlag,
  controlPlaneConfigMapNames,
  injectNeedsRevisionFlag,
  injectRevisionArgs,
  isAtLeastMinor,
  minorVersionOf,
  nativeSidecarsEnv,
  nativeSidecarsFor,
} from './version-rules.js';

describe('minorVersionOf', () => {
  it('reads releases, prereleases, dev builds and v-prefixed versions', () => {
    expect(minorVersionOf('1.28.3')).toEqual({ major: 1, minor: 28 });
    expect(minorVersionOf('1.31.0-rc.0')).toEqual({ major: 1, minor: 31 });
    expect(minorVersionOf('1.31-dev')).toEqual({ major: 1, minor: 31 });
    expect(minorVersionOf('v1.9')).toEqual({ major: 1, minor: 9 });
  });

  it('rejects what is not a version, naming the input', () => {
    expect(() => minorVersionOf('latest', 'version')).toThrow(InvalidInputError);
    expect(() => minorVersionOf('1.x')).toThrow(/'1.x' is not an Istio version/);
  });

  it('compares minors numerically, not as text', () => {
    expect(isAtLeastMinor('1.100.0', 1, 28)).toBe(true);
    expect(isAtLeastMinor('1.9.0', 1, 28)).toBe(false);
    expect(isAtLeastMinor('2.0.0', 1, 28)).toBe(true);
  });
});

describe('analyzeRecursiveFlag', () => {
  it('adds -R up to 1.24 and never from 1.25, where it makes analyze skip the files', () => {
    expect(analyzeRecursiveFlag('1.22.8')).toEqual(['-R']);
    expect(analyzeRecursiveFlag('1.24.6')).toEqual(['-R']);
    expect(analyzeRecursiveFlag('1.25.0')).toEqual([]);
    expect(analyzeRecursiveFlag('1.31.0-beta.1')).toEqual([]);
  });
});

describe('injectRevisionArgs', () => {
  it('passes --revision default from 1.28 so kube-inject does not wait for a cluster', () => {
    expect(injectNeedsRevisionFlag('1.27.5')).toBe(false);
    expect(injectNeedsRevisionFlag('1.28.0')).toBe(true);
    expect(injectRevisionArgs('1.27.5')).toEqual([]);
    expect(injectRevisionArgs('1.28.0')).toEqual(['--revision', 'default']);
    expect(injectRevisionArgs('1.30.4', 'default')).toEqual(['--revision', 'default']);
  });

  it('passes a named revision on every version and treats default as none before 1.28', () => {
    expect(injectRevisionArgs('1.26.2', 'canary')).toEqual(['--revision', 'canary']);
    expect(injectRevisionArgs('1.31.0', '1-31-0')).toEqual(['--revision', '1-31-0']);
    expect(injectRevisionArgs('1.26.2', 'default')).toEqual([]);
  });
});

describe('nativeSidecarsFor', () => {
  it('is on from Istio 1.27 on Kubernetes 1.33 and later only', () => {
    expect(nativeSidecarsFor('1.33', '1.27.0')).toBe(true);
    expect(nativeSidecarsFor('v1.34.1', '1.31.0')).toBe(true);
    expect(nativeSidecarsFor('1.32.9', '1.31.0')).toBe(false);
    expect(nativeSidecarsFor('1.33', '1.26.4')).toBe(false);
    expect(nativeSidecarsFor('2.0', '1.28.0')).toBe(true);
  });

  it('rejects a Kubernetes version it cannot read, naming the input', () => {
    expect(() => nativeSidecarsFor('latest', '1.28.0')).toThrow(/'latest' is not a Kubernetes version/);
    const thrown = (() => {
      try {
        nativeSidecarsFor('k8s', '1.28.0');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).input).toBe('kubernetes-version');
  });

  it('sets ENABLE_NATIVE_SIDECARS explicitly both ways', () => {
    expect(nativeSidecarsEnv(true)).toEqual({ ENABLE_NATIVE_SIDECARS: 'true' });
    expect(nativeSidecarsEnv(false)).toEqual({ ENABLE_NATIVE_SIDECARS: 'false' });
  });
});

describe('chart and ConfigMap names', () => {
  it('suffixes control plane ConfigMaps with a named revision only', () => {
    expect(controlPlaneConfigMapNames()).toEqual({ injector: 'istio-sidecar-injector', mesh: 'istio' });
    expect(controlPlaneConfigMapNames('default')).toEqual({
      injector: 'istio-sidecar-injector',
      mesh: 'istio',
    });
    expect(controlPlaneConfigMapNames('1-31-0')).toEqual({
      injector: 'istio-sidecar-injector-1-31-0',
      mesh: 'istio-1-31-0',
    });
  });
});
