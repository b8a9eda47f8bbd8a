// The kube-inject summary: workloads grouped by namespace and by the sidecar move (revision, proxy
// version), and skipped workloads grouped by reason; counts, not a dump.
import { markdownTable } from '../report/markdown.js';
import type { Sidecar, SkipReason } from './workloads.js';

export interface SummaryWorkload {
  namespace?: string;
  name: string;
  kind: string;
  file: string;
  status: 'injected' | 'unchanged' | 'skipped';
  from?: Sidecar;
  to?: Sidecar;
  skipReason?: SkipReason;
  /** Where the sidecar lives in the repo: inline, patch, overlay (from the mesh model's source map). */
  origin?: string;
}

/** The rendered result's proof: pods with a sidecar, and how many carry exactly one proxy at which images. */
export interface SummaryRenderCheck {
  pods: number;
  withOneProxy: number;
  images: readonly string[];
}

/** `1.31.0` from `docker.io/istio/proxyv2:1.31.0`, the whole image when it has no tag. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(at + 1) : image;
}

function describeSidecar(sidecar: Sidecar | undefined): string {
  if (!sidecar) return 'no sidecar';
  const tag = imageTag(sidecar.proxyImage) ?? 'unknown proxy';
  return sidecar.revision && sidecar.revision !== 'default' ? `${tag} (rev ${sidecar.revision})` : tag;
}

const SKIP_REASONS: Record<SkipReason, string> = {
  'injection-disabled': '`sidecar.istio.io/inject` is false (or the injection policy excludes it)',
  'host-network': '`hostNetwork: true`',
  'system-namespace': 'in a system namespace',
  'not-injected': 'istioctl left it unchanged',
  'namespace-disabled': 'its namespace has `istio-injection: disabled`',
  'control-plane-namespace': "in the control plane's namespace",
  'gitops-controller': 'a GitOps controller (flux-system, argocd)',
  'unknown-revision': 'names a revision no control plane defines',
  'not-selected': 'not selected: no injection label on its namespace, no opt-in on the pod',
};

const MAX_NAMES = 5;
const MAX_ROWS = 50;

const modeOf = (sidecar: Sidecar | undefined) => sidecar?.mode ?? '?';

/** One row per workload that carries the sidecar: namespace, workload, from → to, origin, mode. */
function workloadRows(injected: readonly SummaryWorkload[]): string[] {
  if (injected.length === 0) return [];
  const rows = [...injected]
    .sort(
      (a, b) =>
        (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
        a.name.localeCompare(b.name) ||
        a.kind.localeCompare(b.kind),
    )
    .slice(0, MAX_ROWS)
    .map((w) => {
      const from = describeSidecar(w.from);
      const to = describeSidecar(w.to);
      const fromMode = w.from ? modeOf(w.from) : undefined;
      const toMode = modeOf(w.to);
      return [
        w.namespace ?? '(none)',
        `${w.kind} ${w.name}`,
        from === to ? `${to} (current)` : `${from} → ${to}`,
        w.origin ?? 'inline',
        fromMode && fromMode !== toMode ? `${fromMode} → ${toMode}` : toMode,
      ];
    });
  const more = injected.length > MAX_ROWS ? [`…and ${injected.length - MAX_ROWS} more workloads.`, ''] : [];
  return [markdownTable(['namespace', 'workload', 'sidecar', 'origin', 'mode'], rows), '', ...more];
}

function proofLine(check: SummaryRenderCheck | undefined, target: string): string[] {
  if (!check) return [];
  const images = [...new Set(check.images)];
  const atTarget = check.images.filter((i) => imageTag(i) === target).length;
  const all = check.withOneProxy === check.pods && atTarget === check.pods;
  return [
    `${all ? '✅' : '⚠️'} Rendered (kustomize build and Flux substitution): ${check.pods} pods with a sidecar, ` +
      `${check.withOneProxy} with exactly one \`istio-proxy\`, ${atTarget} at ${target}` +
      (images.length > 0 ? ` (${images.map((i) => `\`${i}\``).join(', ')})` : '') +
      '.',
    '',
  ];
}

export function renderInjectSummary(input: {
  version: string;
  revision?: string;
  proxyImage: string;
  output: string;
  changedFiles: readonly string[];
  workloads: readonly SummaryWorkload[];
  renderCheck?: SummaryRenderCheck;
}): string {
  const { workloads } = input;
  const injected = workloads.filter((w) => w.status !== 'skipped');
  const lines = [
    `### kube-inject-manifests: Istio ${input.version}${input.revision ? ` (revision ${input.revision})` : ''}`,
    '',
    `${workloads.length} workloads, ${injected.length} with the sidecar \`${input.proxyImage}\`, ` +
      `${workloads.length - injected.length} skipped; ${input.changedFiles.length} files written (${input.output}).`,
    '',
  ];
  const groups = new Map<string, { namespace: string; move: string; changed: number; unchanged: number }>();
  for (const w of injected) {
    const namespace = w.namespace ?? '(none)';
    const from = describeSidecar(w.from);
    const to = describeSidecar(w.to);
    const move = from === to ? to : `${from} → ${to}`;
    const key = `${namespace}\u0000${move}`;
    const group = groups.get(key) ?? { namespace, move, changed: 0, unchanged: 0 };
    if (w.status === 'injected') group.changed++;
    else group.unchanged++;
    groups.set(key, group);
  }
  if (groups.size > 0) {
    const rows = [...groups.values()]
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.move.localeCompare(b.move))
      .map((g) => [g.namespace, g.move, String(g.changed), String(g.unchanged)]);
    lines.push(markdownTable(['namespace', 'sidecar', 'rewritten', 'already current'], rows), '');
  }
  lines.push(...workloadRows(injected), ...proofLine(input.renderCheck, input.version));
  const skipped = workloads.filter((w) => w.status === 'skipped');
  if (skipped.length > 0) {
    const byReason = new Map<SkipReason, SummaryWorkload[]>();
    for (const w of skipped)
      byReason.set(w.skipReason ?? 'not-injected', [
        ...(byReason.get(w.skipReason ?? 'not-injected') ?? []),
        w,
      ]);
    const rows = [...byReason.entries()].map(([reason, list]) => {
      const names = list
        .slice(0, MAX_NAMES)
        .map((w) => `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}`);
      if (list.length > MAX_NAMES) names.push(`and ${list.length - MAX_NAMES} more`);
      return [SKIP_REASONS[reason], String(list.length), names.join(', ')];
    });
    lines.push('Skipped:', '', markdownTable(['reason', 'workloads', 'examples'], rows), '');
  }
  return lines.join('\n');
}
