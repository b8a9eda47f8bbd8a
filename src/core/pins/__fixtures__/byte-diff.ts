// Test support: proves that two versions of a file differ only inside version numbers.

const VERSION_TOKEN = /(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)/;

export interface VersionChange {
  line: number;
  from: string;
  to: string;
}

/**
 * Splits both files on version-like tokens; everything between them must be byte-identical and the
 * token count equal. Returns the tokens that changed. Throws on any other difference.
 */
export function versionOnlyChanges(before: Buffer | string, after: Buffer | string): VersionChange[] {
  const a = (typeof before === 'string' ? before : before.toString('latin1')).split(VERSION_TOKEN);
  const b = (typeof after === 'string' ? after : after.toString('latin1')).split(VERSION_TOKEN);
  if (a.length !== b.length) throw new Error(`version token count differs: ${a.length} vs ${b.length}`);
  const changes: VersionChange[] = [];
  let line = 1;
  for (let i = 0; i < a.length; i++) {
    if (i % 2 === 0) {
      if (a[i] !== b[i]) throw new Error(`bytes outside version numbers changed near line ${line}: ${JSON.stringify(a[i]?.slice(0, 80))} -> ${JSON.stringify(b[i]?.slice(0, 80))}`);
      line += (a[i]!.match(/\n/g) ?? []).length;
    } else if (a[i] !== b[i]) {
      changes.push({ line, from: a[i]!, to: b[i]! });
    }
  }
  return changes;
}
