// The lock edit on its own: version and repository follow Chart.yaml, quotes and comments stay, and
// the digest is the one helmDigest gives the edited pair (bump-chart-lock.test.ts checks helmDigest
// against the real helm).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { chartLockSplices, helmDigest, lockFileOf } from './chart-lock.js';
import { renderSplices } from './splice.js';

const OLD = 'https://istio-release.storage.googleapis.com/charts';
const NEW = 'https://blob.istio.io/istio-release/charts';

const chart = (repository: string, version: string) => `apiVersion: v2
name: mesh
version: 0.1.0
dependencies:
  - name: base
    version: ${version}
    repository: ${repository}
  - name: istiod
    version: ${version}
    repository: ${repository}
    condition: istiod.enabled
  - name: app
    version: 2.0.0
    repository: file://../app
`;

function lockFor(repository: string, version: string): string {
  const declared = [
    { name: 'base', version, repository },
    { name: 'istiod', version, repository, condition: 'istiod.enabled' },
    { name: 'app', version: '2.0.0', repository: 'file://../app' },
  ];
  const locked = declared.map(({ name, version: v, repository: r }) => ({ name, repository: r, version: v }));
  const deps = locked
    .map((d) => `- name: ${d.name}\n  repository: "${d.repository}" # pinned\n  version: ${d.version}\n`)
    .join('');
  return `dependencies:\n${deps}digest: ${helmDigest(declared, locked)}\ngenerated: "2026-11-01T10:00:00Z"\n`;
}

function edit(before: string, after: string, lock: string): string {
  const splices = chartLockSplices(
    { chartFile: 'charts/mesh/Chart.yaml', before, after, lockFile: 'charts/mesh/Chart.lock', lock },
    silentLogger,
  );
  return (
    renderSplices(splices, () => Buffer.from(lock))
      .get('charts/mesh/Chart.lock')
      ?.toString() ?? lock
  );
}

describe('Chart.lock follows its Chart.yaml', () => {
  it('moves version and repository of the Istio charts, keeps quotes and comments, and re-digests', () => {
    const edited = edit(chart(OLD, '1.30.4'), chart(NEW, '1.31.0'), lockFor(OLD, '1.30.4'));
    expect(edited).toBe(lockFor(NEW, '1.31.0'));
    expect(edited).toContain(`repository: "${NEW}" # pinned`);
    expect(edited).toContain('repository: "file://../app" # pinned\n  version: 2.0.0');
  });

  it('leaves the lock alone when the edit touches nothing it locks', () => {
    const lock = lockFor(OLD, '1.30.4');
    const before = chart(OLD, '1.30.4');
    expect(edit(before, before.replace('version: 0.1.0', 'version: 0.2.0'), lock)).toBe(lock);
  });

  it('only applies to Chart.yaml', () => {
    expect(lockFileOf('charts/mesh/Chart.yaml')).toBe('charts/mesh/Chart.lock');
    expect(lockFileOf('charts/mesh/values.yaml')).toBeUndefined();
  });
});
