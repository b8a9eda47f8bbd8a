// Test support: reads fixture files as a workspace would and bumps them in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractPins, pinSplice, planPinUpdates } from '../engine.js';
import type { PinKind } from '../kind.js';
import { renderSplices } from '../splice.js';
import type { Pin, PinEdit, RoleSelection, SourceText } from '../types.js';

/** The new content of every file the edits touch, as the bump splices it. */
export function renderPinUpdates(edits: readonly PinEdit[], readFile: (path: string) => Buffer) {
  return renderSplices(edits.map(pinSplice), readFile);
}

export function fixtures(directory: URL, ...names: string[]): SourceText[] {
  return names.map((name) => ({ path: name, text: readFileSync(join(directory.pathname, name), 'utf8') }));
}

export interface InMemoryBump {
  pins: Pin[];
  before: Map<string, Buffer>;
  after: Map<string, Buffer>;
}

/** Extracts, plans and renders a bump over in-memory files; `after` holds only the files that change. */
export function bumpInMemory(
  files: SourceText[],
  target: string,
  options: { role?: RoleSelection; kinds?: readonly PinKind[] } = {},
): InMemoryBump {
  const { pins } = extractPins({ files }, { kinds: options.kinds });
  const before = new Map(files.map((f) => [f.path, Buffer.from(f.text, 'utf8')]));
  const plan = planPinUpdates(pins, { version: target }, { role: options.role ?? 'all' });
  const after = renderPinUpdates(plan.edits, (path) => before.get(path)!);
  return { pins, before, after };
}

/** Pins reduced to what a reader checks: where, what, how written, which role. */
export function summarise(pins: Pin[]): string[] {
  return pins.map(
    (p) => `${p.file}:${p.line}:${p.column} ${p.version} ${p.format} ${p.quote} ${p.role}${p.revision ? ` rev=${p.revision}` : ''}`,
  );
}
