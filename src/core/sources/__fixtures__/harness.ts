// Test support: moves a kind's fixture in memory and reads the byte-exact expectation beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSplices } from '../../pins/splice.js';
import { findIstioSources, moveSplice, planSourceMoves } from '../engine.js';
import type { IstioSource, SourceKind } from '../types.js';

export interface FixtureMove {
  sources: IstioSource[];
  before: Buffer;
  after: Buffer;
  expected: Buffer;
}

/** `<dir>/<name>` moved by `kind`, and `<dir>/moved/<name>`, the bytes it must become. */
export function moveFixture(directory: URL, name: string, kind: SourceKind): FixtureMove {
  const before = readFileSync(join(directory.pathname, name));
  const expected = readFileSync(join(directory.pathname, 'moved', name));
  const sources = findIstioSources({ files: [{ path: name, text: before.toString('utf8') }] }, { kinds: [kind] });
  const plan = planSourceMoves(sources);
  const after = renderSplices(plan.moves.map(moveSplice), () => before).get(name) ?? before;
  return { sources, before, after, expected };
}

export function describeSources(sources: IstioSource[]): string[] {
  return sources.map((s) => `${s.line}:${s.column} ${s.quote} ${s.location} ${s.value}`);
}
