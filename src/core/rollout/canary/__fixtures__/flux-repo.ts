// The Flux example repo set up for a revision upgrade: istiod claims the `prod-stable` tag, the
// bookinfo namespace selects it, and the config asks for the canary strategy.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EXAMPLE = join(new URL('../../../../..', import.meta.url).pathname, 'examples/gitops-flux');

/** Rewrites the copied example in place (text edits only, so the fixture stays byte-for-byte readable). */
export function makeCanaryFluxRepo(dir: string): void {
  const edit = (file: string, from: string, to: string) => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`fixture: ${file} has no ${from}`);
    writeFileSync(path, text.replace(from, to));
  };
  edit('.github/istio-autopilot.yaml', 'strategy: in-place', 'strategy: canary');
  edit(
    'infrastructure/istio/istiod.yaml',
    '    pilot:\n      autoscaleMin: 2\n',
    '    revisionTags:\n      - prod-stable\n    pilot:\n      autoscaleMin: 2\n',
  );
  edit(
    'apps/bookinfo/namespace.yaml',
    '    # Sidecars are rendered into git by Istio Autopilot, not by the webhook.\n    istio-injection: disabled\n',
    '    # Sidecars are rendered into git by Istio Autopilot; the tag picks the revision.\n    istio.io/rev: prod-stable\n',
  );
}

/** A fresh temporary copy of the canary Flux repo. */
export function canaryFluxWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-flux-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  makeCanaryFluxRepo(dir);
  return dir;
}
