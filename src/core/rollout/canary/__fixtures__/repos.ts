// The Flux example repo set up for a revision upgrade: istiod claims the `prod-stable` tag, the
// bookinfo namespace selects it, and the config asks for the canary strategy.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

const app = (name: string, body: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n${body}`;

/**
 * The same mesh installed by Argo CD: Applications for base, istiod (tag `prod-stable` in
 * helm.valuesObject), the gateway and the bookinfo workloads, all with destination `prod`.
 */
export function canaryArgoWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-argo-'));
  cpSync(join(EXAMPLE, 'apps'), join(dir, 'apps'), { recursive: true });
  mkdirSync(join(dir, '.github'));
  mkdirSync(join(dir, 'argocd'));
  writeFileSync(
    join(dir, '.github/istio-autopilot.yaml'),
    'policy: latest\nstrategy: canary\ncontrol-plane:\n  paths:\n    - argocd/**/*.yaml\ndata-plane:\n  paths:\n    - apps/**/*.yaml\n  output: in-place\n  native-sidecars: auto\n  kubernetes-version: "1.33"\n',
  );
  const chart = (chart: string, namespace: string, helm = '') =>
    `  destination:\n    name: prod\n    namespace: ${namespace}\n  source:\n    repoURL: https://blob.istio.io/istio-release/charts\n    chart: ${chart}\n    targetRevision: 1.30.4\n${helm}`;
  writeFileSync(join(dir, 'argocd/istio-base.yaml'), app('istio-base', chart('base', 'istio-system')));
  writeFileSync(
    join(dir, 'argocd/istiod.yaml'),
    app(
      'istiod',
      chart(
        'istiod',
        'istio-system',
        '    helm:\n      valuesObject:\n        revisionTags:\n          - prod-stable\n        pilot:\n          autoscaleMin: 2\n',
      ),
    ),
  );
  writeFileSync(join(dir, 'argocd/gateway.yaml'), app('istio-ingressgateway', chart('gateway', 'istio-ingress')));
  writeFileSync(
    join(dir, 'argocd/bookinfo.yaml'),
    app(
      'bookinfo',
      '  destination:\n    name: prod\n    namespace: bookinfo\n  source:\n    repoURL: https://github.com/octo-org/mesh-gitops\n    targetRevision: main\n    path: apps/bookinfo\n',
    ),
  );
  const ns = join(dir, 'apps/bookinfo/namespace.yaml');
  writeFileSync(
    ns,
    readFileSync(ns, 'utf8').replace(
      '    # Sidecars are rendered into git by Istio Autopilot, not by the webhook.\n    istio-injection: disabled\n',
      '    istio.io/rev: prod-stable\n',
    ),
  );
  return dir;
}

/** The same mesh under the Sail Operator: an `Istio` at 1.30.4 and an IstioRevisionTag `default`. */
export function canarySailWorkspace(strategy: 'RevisionBased' | 'InPlace' = 'RevisionBased'): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-sail-'));
  cpSync(join(EXAMPLE, 'apps'), join(dir, 'apps'), { recursive: true });
  mkdirSync(join(dir, '.github'));
  mkdirSync(join(dir, 'sail'));
  writeFileSync(
    join(dir, '.github/istio-autopilot.yaml'),
    'policy: latest\nstrategy: canary\ncontrol-plane:\n  paths:\n    - sail/**/*.yaml\ndata-plane:\n  paths:\n    - apps/**/*.yaml\n  output: in-place\n  native-sidecars: auto\n  kubernetes-version: "1.33"\n',
  );
  writeFileSync(
    join(dir, 'sail/istio.yaml'),
    `apiVersion: sailoperator.io/v1\nkind: Istio\nmetadata:\n  name: default\nspec:\n  version: v1.30.4\n  namespace: istio-system\n  updateStrategy:\n    type: ${strategy}\n    inactiveRevisionDeletionGracePeriodSeconds: 30\n  values:\n    pilot:\n      autoscaleMin: 2\n---\napiVersion: sailoperator.io/v1\nkind: IstioRevisionTag\nmetadata:\n  name: default\nspec:\n  targetRef:\n    kind: ${strategy === 'RevisionBased' ? 'IstioRevision' : 'Istio'}\n    name: ${strategy === 'RevisionBased' ? 'default-v1-30-4' : 'default'}\n`,
  );
  const ns = join(dir, 'apps/bookinfo/namespace.yaml');
  writeFileSync(
    ns,
    readFileSync(ns, 'utf8').replace(
      '    # Sidecars are rendered into git by Istio Autopilot, not by the webhook.\n    istio-injection: disabled\n',
      '    istio.io/rev: default\n',
    ),
  );
  return dir;
}

/**
 * The same mesh installed with istioctl from an IstioOperator file: `istio/control-plane.yaml` at
 * 1.30.4 (profile minimal, so it installs istiod and base, no gateway), claiming `prod-stable`.
 */
export function canaryIopWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-iop-'));
  cpSync(join(EXAMPLE, 'apps'), join(dir, 'apps'), { recursive: true });
  mkdirSync(join(dir, '.github'));
  mkdirSync(join(dir, 'istio'));
  writeFileSync(
    join(dir, '.github/istio-autopilot.yaml'),
    'policy: latest\nstrategy: canary\ncontrol-plane:\n  paths:\n    - istio/**/*.yaml\ndata-plane:\n  paths:\n    - apps/**/*.yaml\n  output: in-place\n  native-sidecars: auto\n  kubernetes-version: "1.33"\n',
  );
  writeFileSync(
    join(dir, 'istio/control-plane.yaml'),
    '# istioctl install -f istio/control-plane.yaml\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: control-plane\n  namespace: istio-system\nspec:\n  profile: minimal\n  hub: docker.io/istio\n  tag: 1.30.4 # istiod and base\n  meshConfig:\n    accessLogFile: /dev/stdout\n  values:\n    revisionTags:\n      - prod-stable\n    pilot:\n      autoscaleMin: 2\n',
  );
  // istioctl reads the file; kustomize lists it with the apps so that one cluster holds both.
  writeFileSync(join(dir, 'istio/kustomization.yaml'), 'resources:\n  - control-plane.yaml\n');
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - istio\n  - apps\n');
  const ns = join(dir, 'apps/bookinfo/namespace.yaml');
  writeFileSync(
    ns,
    readFileSync(ns, 'utf8').replace(
      '    # Sidecars are rendered into git by Istio Autopilot, not by the webhook.\n    istio-injection: disabled\n',
      '    istio.io/rev: prod-stable\n',
    ),
  );
  return dir;
}
