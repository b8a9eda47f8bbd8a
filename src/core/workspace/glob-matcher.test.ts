import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatcher, requiredLiterals } from './files.js';

// The pin kinds' globs, the default listing's, and globs a `paths` or wave input may hold.
const GLOBS = [
  '**/*.yaml',
  '**/*.yml',
  '**/.istio-version',
  '**/Kustomization',
  '**/*.{yaml,yml}',
  '**/Chart.yaml',
  '**/*values*.{yaml,yml}',
  '**/kustomization.{yaml,yml}',
  '.github/workflows/*.{yaml,yml}',
  '**/.github/workflows/*.{yaml,yml}',
  './apps/**',
  'apps/**/prod/*.yaml',
  'apps/team-?/**',
  'clusters/{eu,us}-*/**',
  'clusters/{eu,{us,ap}}/**',
  'infra/[ab]*/x.yaml',
  'infra/@(a|b)/x.yaml',
  'infra/!(a)/x.yaml',
  'a+b.yaml',
  'a\\*b.yaml',
  '*.yaml',
  'x',
  '**',
];

const PATHS = [
  '.yaml',
  'a.yaml',
  'a+b.yaml',
  'a*b.yaml',
  'x',
  'Chart.yaml',
  'charts/istiod/Chart.yaml',
  'charts/istiod/values.yaml',
  'charts/istiod/values-prod.yml',
  'charts/istiod/my-values.yaml',
  'Kustomization',
  'base/Kustomization',
  'base/kustomization.yml',
  '.istio-version',
  'deep/dir/.istio-version',
  '.github/workflows/ci.yaml',
  'sub/.github/workflows/ci.yml',
  'apps/x.yaml',
  'apps/team-1/svc/prod/d.yaml',
  'apps/prod/d.yaml',
  'apps/team-12/x.yaml',
  'clusters/eu-1/a.yaml',
  'clusters/us/a.yaml',
  'clusters/ap/a.yaml',
  'infra/a1/x.yaml',
  'infra/c/x.yaml',
  'infra/a/x.yaml',
  'notes.md',
  'a/.hidden/b.yaml',
];

describe('globMatcher', () => {
  it('matches exactly as picomatch does, with or without the plain-text pre-check', () => {
    for (const glob of GLOBS) {
      const regex = picomatch.makeRe(glob, { dot: true });
      const matches = globMatcher([glob]);
      for (const path of PATHS) expect([glob, path, matches(path)]).toEqual([glob, path, regex.test(path)]);
    }
  });

  it('requires only text that every match holds, and none for globs with classes or extglobs', () => {
    expect(requiredLiterals('**/*values*.{yaml,yml}')).toEqual(['values']);
    expect(requiredLiterals('**/Chart.yaml')).toEqual(['Chart.yaml']);
    expect(requiredLiterals('./apps/**')).toEqual(['apps']);
    expect(requiredLiterals('infra/[ab]*/x.yaml')).toEqual([]);
    expect(requiredLiterals('infra/@(a|b)/x.yaml')).toEqual([]);
    expect(requiredLiterals('clusters/{eu,{us,ap}}/**')).toEqual([]);
  });
});
