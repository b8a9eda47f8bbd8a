// The mesh model as people and scripts read it: per cluster its roots, control planes, components,
// namespaces and workload counts by sidecar version and origin; stable JSON and plain text.
import type { MeshModel } from './types.js';

export interface MeshReport {
  clusters: ClusterReport[];
  warnings: { message: string; file?: string; line?: number }[];
}

export interface ClusterReport {
  name: string;
  roots: { id: string; kind: string; path: string }[];
  controlPlanes: {
    revision: string;
    version: string | null;
    tags: string[];
    chart: { name: string; repository: string | null; version: string | null } | null;
    source: string | null;
  }[];
  components: { component: string; name: string; version: string | null; source: string | null }[];
  namespaces: { name: string; injection: string | null; revision: string | null }[];
  workloads: {
    total: number;
    /** One row per (state, version, origin), sorted; `none` rows have no version or origin. */
    sidecars: {
      state: string;
      version: string | null;
      origin: string | null;
      revision: string | null;
      count: number;
    }[];
  };
}

const where = (s: { file: string; line: number } | undefined) => (s ? `${s.file}:${s.line}` : null);

export function meshReport(model: MeshModel): MeshReport {
  return {
    clusters: model.clusters.map((cluster) => {
      const rows = new Map<string, ClusterReport['workloads']['sidecars'][number]>();
      for (const w of cluster.workloads) {
        const row = {
          state: w.sidecar.state,
          version: w.sidecar.version ?? null,
          origin: w.sidecar.origin ?? null,
          revision: w.sidecar.state === 'none' ? null : (w.sidecar.revision ?? null),
        };
        const key = JSON.stringify(row);
        const existing = rows.get(key);
        if (existing) existing.count++;
        else rows.set(key, { ...row, count: 1 });
      }
      return {
        name: cluster.name,
        roots: cluster.roots.map((r) => ({ id: r.id, kind: r.kind, path: r.path })),
        controlPlanes: cluster.controlPlanes.map((p) => ({
          revision: p.revision,
          version: p.version ?? null,
          tags: [...p.tags].sort(),
          chart: p.chart
            ? { name: p.chart.name, repository: p.chart.repository ?? null, version: p.chart.version ?? null }
            : null,
          source: where(p.source),
        })),
        components: cluster.components
          .map((c) => ({
            component: c.component,
            name: c.name,
            version: c.version ?? null,
            source: where(c.source),
          }))
          .sort((a, b) => a.component.localeCompare(b.component) || a.name.localeCompare(b.name)),
        namespaces: cluster.namespaces.map((n) => ({
          name: n.name,
          injection: n.injection?.value ?? null,
          revision: n.revision?.value ?? null,
        })),
        workloads: {
          total: cluster.workloads.length,
          sidecars: [...rows.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        },
      };
    }),
    warnings: model.warnings.map((w) => ({
      message: w.message,
      ...(w.file ? { file: w.file } : {}),
      ...(w.line ? { line: w.line } : {}),
    })),
  };
}

export function renderMeshText(report: MeshReport): string {
  const lines: string[] = [];
  for (const cluster of report.clusters) {
    lines.push(
      `cluster ${cluster.name} (${cluster.roots.length} root(s): ${cluster.roots.map((r) => `${r.kind} ${r.path}`).join(', ')})`,
    );
    if (cluster.controlPlanes.length === 0) lines.push('  control planes: none declared');
    for (const p of cluster.controlPlanes) {
      const tags = p.tags.length > 0 ? `, tags ${p.tags.join(', ')}` : '';
      const chart = p.chart
        ? `, chart ${p.chart.name}${p.chart.repository ? ` from ${p.chart.repository}` : ''}`
        : '';
      lines.push(
        `  control plane revision ${p.revision}: ${p.version ?? 'version unknown'}${tags}${chart}${p.source ? ` (${p.source})` : ''}`,
      );
    }
    for (const c of cluster.components)
      lines.push(`  ${c.component} ${c.name}: ${c.version ?? 'version unknown'}`);
    for (const n of cluster.namespaces) {
      const labels = [
        n.injection ? `istio-injection=${n.injection}` : '',
        n.revision ? `istio.io/rev=${n.revision}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      lines.push(`  namespace ${n.name}${labels ? `: ${labels}` : ''}`);
    }
    lines.push(`  workloads: ${cluster.workloads.total}`);
    for (const row of cluster.workloads.sidecars) {
      const detail =
        row.state === 'none'
          ? 'no sidecar'
          : `${row.state} sidecar ${row.version ?? 'version unknown'} (${row.origin ?? 'origin unknown'}${row.revision ? `, revision ${row.revision}` : ''})`;
      lines.push(`    ${row.count} × ${detail}`);
    }
  }
  for (const w of report.warnings)
    lines.push(`warning: ${w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : ''}${w.message}`);
  return lines.join('\n');
}
