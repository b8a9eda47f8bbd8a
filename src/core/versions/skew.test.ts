import { describe, expect, it } from 'vitest';
import { checkControlPlaneSkew, checkKubernetesSupport, kubernetesMinorOf } from './skew.js';

describe('checkControlPlaneSkew', () => {
  it.each([
    ['1.30.4', '1.30.1', true],
    ['1.31.0', '1.30.4', true],
    ['1.32.0', '1.30.4', false],
    ['1.30.4', '1.31.0', false],
    ['1.19.3', '1.18.5', true],
  ])('control plane %s with data plane %s: ok=%s', (cp, dp, ok) => {
    expect(checkControlPlaneSkew(cp, dp).ok).toBe(ok);
  });

  it('says to upgrade the control plane first when it is behind', () => {
    expect(checkControlPlaneSkew('1.30.4', '1.31.0').message).toMatch(/behind.*control plane first/);
  });
});

describe('checkKubernetesSupport', () => {
  const support = [
    { minor: '1.30', kubernetes: ['1.32', '1.33', '1.34', '1.35', '1.36'] },
    { minor: '1.5', kubernetes: [] },
  ];

  it.each([
    ['v1.33.2', true],
    ['1.36', true],
    ['1.31.9', false],
    ['1.37.0-eks-1', false],
  ])('Istio 1.30 on Kubernetes %s: %s', (k8s, supported) => {
    expect(checkKubernetesSupport('1.30.4', k8s, support).supported).toBe(supported);
  });

  it('says unknown when there is no data for the minor', () => {
    expect(checkKubernetesSupport('1.5.1', '1.16', support).supported).toBeUndefined();
    expect(checkKubernetesSupport('1.32.0', '1.34', support).supported).toBeUndefined();
  });

  it('reads Kubernetes versions the ways clusters print them', () => {
    expect(kubernetesMinorOf('v1.33.2+k3s1')).toBe('1.33');
    expect(kubernetesMinorOf('1.09')).toBe('1.9');
    expect(kubernetesMinorOf('latest')).toBeUndefined();
  });
});
