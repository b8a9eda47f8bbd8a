// Flux HelmRelease pins: spec.chart.spec.version of Istio charts, written directly or as `${var}`,
// which `link` follows through a Flux Kustomization's postBuild.substitute / substituteFrom to the
// inline value or ConfigMap entry that really holds the version.
import { isMap, isScalar } from 'yaml';
import type { Document, Node } from 'yaml';
import type { DocumentLookup, KindFileResult } from '../kind.js';
import { istioChartRole } from '../istio-charts.js';
import type { Pin, PinRole } from '../types.js';
import {
  itemsAt,
  nodeAt,
  pinAt,
  resourceKind,
  scalarSource,
  stringAt,
  versionScalarPin,
} from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';
import { clusterRoots, configMapFor, type ClusterRootOf } from './cluster-roots.js';

/** A HelmRelease version that is a variable: `${istio_version}` or `${istio_version:=1.24.2}`. */
export interface VariableUse {
  type: 'use';
  variable: string;
  file: ParsedFile;
  line: number;
  role: PinRole;
  /** The default's digits inside the HelmRelease, used when nothing defines the variable. */
  defaultPin?: Pin;
}

/** What a Flux Kustomization feeds its manifests: inline values and ConfigMaps/Secrets to read. */
export interface SubstitutionSource {
  type: 'kustomization';
  name: string;
  file: ParsedFile;
  /** spec.path, normalised without `./`, to tell which manifests it applies to. */
  path: string;
  inline: Map<string, { file: ParsedFile; node: Node }>;
  from: { kind: string; name: string }[];
}

const VARIABLE = /^(v?)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=(v?)([^}]*))?\}$/;

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  const facts: (VariableUse | SubstitutionSource)[] = [];
  for (const document of file.documents) {
    const { kind, apiVersion, name } = resourceKind(document);
    if (kind === 'HelmRelease' && apiVersion?.startsWith('helm.toolkit.fluxcd.io/')) {
      extractHelmRelease(file, document, pins, facts);
    } else if (kind === 'Kustomization' && apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) {
      const source = substitutionSource(file, document, name ?? '');
      if (source) facts.push(source);
    }
  }
  return { pins, facts };
}

function extractHelmRelease(file: ParsedFile, document: Document, pins: Pin[], facts: unknown[]): void {
  const chartSpec = nodeAt(document, document.contents, 'spec', 'chart', 'spec');
  const chart = stringAt(document, chartSpec, 'chart');
  const role = istioChartRole(chart, stringAt(document, chartSpec, 'sourceRef', 'name'));
  if (!role) return;
  const values = nodeAt(document, document.contents, 'spec', 'values');
  const revision = stringAt(document, values, 'revision');
  const meta = { kind: 'flux-helmrelease' as const, role, ...(revision ? { revision } : {}) };
  const versionNode = nodeAt(document, chartSpec, 'version');
  const direct = versionScalarPin(file, versionNode, {
    ...meta,
    location: `spec.chart.spec.version (${chart})`,
  });
  if (direct) pins.push(direct);
  else if (isScalar(versionNode)) {
    const use = variableUse(file, versionNode, role, chart ?? '');
    if (use) facts.push(use);
  }
  const tag = versionScalarPin(file, nodeAt(document, values, 'global', 'tag'), {
    ...meta,
    location: `spec.values.global.tag (${chart})`,
  });
  if (tag) pins.push(tag);
}

function variableUse(file: ParsedFile, node: Node, role: PinRole, chart: string): VariableUse | undefined {
  if (!isScalar(node)) return undefined;
  const source = scalarSource(file, node);
  const match = source ? VARIABLE.exec(source.text) : null;
  if (!source || !match) return undefined;
  const use: VariableUse = {
    type: 'use',
    variable: match[2]!,
    file,
    line: file.lineCounter.linePos(source.offset).line,
    role,
  };
  const fallback = match[4];
  if (fallback !== undefined) {
    const at = source.offset + source.text.indexOf(':=') + 2 + (match[3] ?? '').length;
    const pin = pinAt(file, at, fallback, {
      kind: 'flux-helmrelease',
      role,
      location: `spec.chart.spec.version default of \${${use.variable}} (${chart})`,
      value: source.text,
      quote: source.quote,
      vPrefixed: match[3] === 'v',
    });
    if (pin) use.defaultPin = pin;
  }
  return use;
}

function substitutionSource(
  file: ParsedFile,
  document: Document,
  name: string,
): SubstitutionSource | undefined {
  const postBuild = nodeAt(document, document.contents, 'spec', 'postBuild');
  if (!postBuild) return undefined;
  const inline = new Map<string, { file: ParsedFile; node: Node }>();
  const substitute = nodeAt(document, postBuild, 'substitute');
  if (isMap(substitute)) {
    for (const pair of substitute.items) {
      if (isScalar(pair.key) && isScalar(pair.value))
        inline.set(String(pair.key.value), { file, node: pair.value });
    }
  }
  const from = itemsAt(document, postBuild, 'substituteFrom').map((item) => ({
    kind: stringAt(document, item, 'kind') ?? '',
    name: stringAt(document, item, 'name') ?? '',
  }));
  const path = (stringAt(document, document.contents, 'spec', 'path') ?? '')
    .replace(/^\.?\/+/, '')
    .replace(/\/+$/, '');
  return { type: 'kustomization', name, file, path, inline, from };
}

/** Turns variable uses into pins where the value really lives: one pin per defining scalar. */
export function link(facts: unknown[], lookup: DocumentLookup): Pin[] {
  const uses = facts.filter((f): f is VariableUse => (f as VariableUse).type === 'use');
  const sources = facts.filter(
    (f): f is SubstitutionSource => (f as SubstitutionSource).type === 'kustomization',
  );
  const pins = new Map<string, Pin>();
  const clusterRootOf = clusterRoots(lookup);
  for (const use of uses) {
    const where = `${use.file.path}:${use.line}`;
    const found = definitionsOf(use, sources, lookup, clusterRootOf);
    if (found.length === 0 && use.defaultPin) found.push(use.defaultPin);
    if (found.length === 0) {
      lookup.logger.warning(
        `\${${use.variable}} is not defined by any Flux Kustomization postBuild in the scanned files; its version was not found`,
        { file: use.file.path, line: use.line },
      );
    }
    for (const pin of found) {
      const key = `${pin.file}:${pin.start}`;
      const known = pins.get(key) ?? pin;
      known.usedBy = [...new Set([...(known.usedBy ?? []), where])];
      if (use.role === 'control-plane') known.role = 'control-plane';
      pins.set(key, known);
    }
  }
  return [...pins.values()];
}

function definitionsOf(
  use: VariableUse,
  sources: SubstitutionSource[],
  lookup: DocumentLookup,
  clusterRootOf: ClusterRootOf,
): Pin[] {
  const defining = sources.filter((s) => s.inline.has(use.variable) || s.from.length > 0);
  // A Kustomization applies to the manifests under its spec.path; prefer those, else any that could.
  const applying = defining.filter((s) => s.path === '' || use.file.path.startsWith(`${s.path}/`));
  const pins: Pin[] = [];
  for (const source of applying.length > 0 ? applying : defining) {
    const pin = definitionIn(use, source, lookup, clusterRootOf);
    if (pin) pins.push(pin);
  }
  return pins;
}

function definitionIn(
  use: VariableUse,
  source: SubstitutionSource,
  lookup: DocumentLookup,
  clusterRootOf: ClusterRootOf,
): Pin | undefined {
  const meta = { kind: 'flux-helmrelease' as const, role: use.role };
  // Flux applies substitute over substituteFrom, and later substituteFrom entries over earlier ones.
  const inline = source.inline.get(use.variable);
  if (inline) {
    return versionScalarPin(inline.file, inline.node, {
      ...meta,
      location: `Kustomization ${source.name} postBuild.substitute.${use.variable}`,
    });
  }
  for (const ref of [...source.from].reverse()) {
    if (ref.kind === 'Secret') {
      lookup.logger.notice(
        `\${${use.variable}} may come from Secret ${ref.name}, which cannot be edited here`,
        {
          file: source.file.path,
        },
      );
      continue;
    }
    if (ref.kind !== 'ConfigMap' || ref.name === '') continue;
    const found: Pin[] = [];
    for (const file of lookup.filesContaining('ConfigMap', ref.name)) {
      for (const document of file.documents) {
        const { kind, name } = resourceKind(document);
        if (kind !== 'ConfigMap' || name !== ref.name) continue;
        const pin = versionScalarPin(file, nodeAt(document, document.contents, 'data', use.variable), {
          ...meta,
          location: `ConfigMap ${ref.name} data.${use.variable}`,
        });
        if (pin) found.push(pin);
      }
    }
    const chosen = configMapFor(source, ref.name, found, lookup, clusterRootOf);
    if (chosen) return chosen;
  }
  return undefined;
}
