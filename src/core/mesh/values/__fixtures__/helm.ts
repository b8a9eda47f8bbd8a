// Test support: the real helm binary (on PATH, or where `go install` puts it), and a stub chart whose
// only template prints the values Helm computed for it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export function findHelm(): string | undefined {
  const candidates = ['helm', join(process.env.GOPATH ?? join(homedir(), 'go'), 'bin', 'helm')];
  const found = candidates.find(
    (c) => spawnSync(c, ['version', '--short'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  );
  // CI installs helm (.ci/run); there a missing helm is a broken setup, not a reason to skip.
  if (!found && process.env.CI === 'true')
    throw new Error('helm is not installed: .ci/run installs it with go install; the parity tests need it');
  return found;
}

/** Writes a chart named `name` in `dir` that renders one ConfigMap holding `.Values` as JSON. */
export function writeValuesDumpChart(dir: string, name: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.24.2\n`);
  writeFileSync(
    join(dir, 'templates', 'values.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\ndata:\n  values: {{ toJson .Values | quote }}\n',
  );
}

/** The values each dump chart printed, by chart name. */
export function dumpedValues(output: string): Map<string, Record<string, unknown>> {
  return new Map(
    parseAllDocuments(output)
      .map((d) => d.toJS() as { metadata: { name: string }; data: { values: string } } | null)
      .filter((d) => d !== null)
      .map((d) => [d.metadata.name, JSON.parse(d.data.values) as Record<string, unknown>]),
  );
}
