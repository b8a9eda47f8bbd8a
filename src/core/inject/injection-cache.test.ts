import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { fileDigest, InjectionCache } from './injection-cache.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'injection-cache-'));
  dirs.push(dir);
  return dir;
}

const skipLine = {
  kind: 'Deployment',
  name: 'shop/web',
  reason: 'host-network' as const,
  message: '===> skip',
};

describe('injection cache', () => {
  it('gives back exactly what was recorded for an input, after a save and a reopen', () => {
    const dir = scratch();
    const cache = InjectionCache.open(dir, 'config-a', silentLogger);
    cache.record('kind: Deployment\n', { output: 'kind: Deployment\ninjected: true\n', skipped: [] });
    cache.record('kind: Pod\n', { output: 'kind: Pod\n', skipped: [undefined, skipLine] });
    cache.save();
    const reopened = InjectionCache.open(dir, 'config-a', silentLogger);
    expect(reopened.lookup('kind: Deployment\n')).toEqual({
      output: 'kind: Deployment\ninjected: true\n',
      skipped: [],
    });
    expect(reopened.lookup('kind: Pod\n')).toEqual({ output: 'kind: Pod\n', skipped: [undefined, skipLine] });
  });

  it('forgets every answer it is told to, also after other changes in the same run', () => {
    const dir = scratch();
    const cache = InjectionCache.open(dir, 'config-a', silentLogger);
    // As an upgrade run does: the old documents' answers recorded, then forgotten once written over.
    for (const n of [1, 2, 3])
      cache.record(`kind: Pod\nname: old-${n}\n`, { output: `kind: Pod\nname: new-${n}\n`, skipped: [] });
    for (const n of [1, 2, 3]) {
      cache.forget(`kind: Pod\nname: old-${n}\n`);
      cache.record(`kind: Pod\nname: new-${n}\n`, { output: `kind: Pod\nname: new-${n}\n`, skipped: [] });
    }
    cache.save();
    const reopened = InjectionCache.open(dir, 'config-a', silentLogger);
    for (const n of [1, 2, 3]) {
      expect(reopened.lookup(`kind: Pod\nname: old-${n}\n`)).toBeUndefined();
      expect(reopened.lookup(`kind: Pod\nname: new-${n}\n`)?.output).toBe(`kind: Pod\nname: new-${n}\n`);
    }
  });

  it('misses for a changed byte of the input and for another config', () => {
    const dir = scratch();
    const cache = InjectionCache.open(dir, 'config-a', silentLogger);
    cache.record('kind: Deployment\n', { output: 'x\n', skipped: [] });
    cache.save();
    expect(InjectionCache.open(dir, 'config-a', silentLogger).lookup('kind: Deployment \n')).toBeUndefined();
    expect(InjectionCache.open(dir, 'config-b', silentLogger).lookup('kind: Deployment\n')).toBeUndefined();
  });

  it('treats a corrupt or foreign cache file as cold instead of failing', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'config-a.json'), '{not json');
    expect(InjectionCache.open(dir, 'config-a', silentLogger).lookup('a')).toBeUndefined();
    writeFileSync(join(dir, 'config-a.json'), JSON.stringify({ format: 99, entries: { x: {} } }));
    expect(InjectionCache.open(dir, 'config-a', silentLogger).lookup('a')).toBeUndefined();
  });

  it('remembers nothing when disabled', () => {
    const cache = InjectionCache.disabled(silentLogger);
    cache.record('a', { output: 'a', skipped: [] });
    expect(cache.lookup('a')).toBeUndefined();
  });

  it('hashes a file again when it is rewritten, and leaves no temporary files', () => {
    const dir = scratch();
    const file = join(dir, 'istioctl');
    writeFileSync(file, 'one');
    const first = fileDigest(dir, file);
    expect(fileDigest(dir, file)).toBe(first);
    writeFileSync(file, 'two');
    expect(fileDigest(dir, file)).not.toBe(first);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
