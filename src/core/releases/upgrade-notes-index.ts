// One walk over the plain objects a repo or the mesh model gives: the env flags, annotations,
// compatibilityVersions, components, ambient use and CRD bundles the upgrade-note detectors ask about.
import semver from 'semver';
import type { NoteSubject } from './upgrade-notes-detect.js';

export interface EnvEntry {
  name: string;
  /** The path `lines` knows it by, when it differs from the one shown. */
  at?: string;
  value?: string;
  path: string;
  subject: NoteSubject;
}

export interface SubjectIndex {
  env: EnvEntry[];
  annotations: { name: string; subject: NoteSubject }[];
  compatibilityVersions: { value: string; subject: NoteSubject }[];
  components: { component: 'base' | 'cni'; what: string; subject: NoteSubject }[];
  ambient: { what: string; subject: NoteSubject }[];
  crdBundles: { group: string; version: string; what: string; subject: NoteSubject }[];
  /** Objects that install or configure istiod, for notes every control plane meets. */
  istiod: NoteSubject[];
}

const CHART_KEYS = ['chart'];
const GATEWAY_API_REF = /gateway-api\/(?:config\/crd[^\s"'?]*\?ref=|releases\/download\/)v(\d+\.\d+\.\d+)/;

/** One walk per object collects everything the detectors ask about. */
export function indexSubjects(objects: readonly NoteSubject[]): SubjectIndex {
  const index: SubjectIndex = {
    env: [],
    annotations: [],
    compatibilityVersions: [],
    components: [],
    ambient: [],
    crdBundles: [],
    istiod: [],
  };
  for (const subject of objects) {
    classify(subject, index);
    walk(subject.object, '', 0, (path, key, value, parentKey) => {
      if ((parentKey === 'env' || parentKey === 'proxyMetadata') && /^[A-Z][A-Z0-9_]*$/.test(key)) {
        index.env.push({ name: key, value: scalarText(value), path, subject });
      } else if (key === 'env' && Array.isArray(value)) {
        value.forEach((item, i) => {
          if (isRecord(item) && typeof item.name === 'string') {
            index.env.push({
              name: item.name,
              value: scalarText(item.value),
              path: `${path}[${item.name}]`,
              at: `${path}[${i}]`,
              subject,
            });
          }
        });
      } else if (parentKey === 'annotations' && key.includes('/')) {
        index.annotations.push({ name: key, subject });
      } else if (key === 'compatibilityVersion' && scalarText(value)) {
        index.compatibilityVersions.push({ value: scalarText(value)!, subject });
      } else if (key === 'profile' && value === 'ambient') {
        index.ambient.push({ what: `profile: ambient at ${path} in ${describe(subject)}`, subject });
      } else if (key === 'istio.io/dataplane-mode' && value === 'ambient') {
        index.ambient.push({
          what: `${describe(subject)} is labelled istio.io/dataplane-mode=ambient`,
          subject,
        });
      } else if (typeof value === 'string') {
        const ref = GATEWAY_API_REF.exec(value);
        if (ref)
          index.crdBundles.push({
            group: 'gateway.networking.k8s.io',
            version: ref[1]!,
            what: `Gateway API CRDs from ${value}`,
            subject,
          });
      }
    });
  }
  return index;
}

/** What an object is, by kind and chart: istiod, base, CNI, ztunnel, a CRD of some bundle. */
function classify(subject: NoteSubject, index: SubjectIndex): void {
  const { object } = subject;
  const chart = chartName(object);
  const name = subject.name;
  if (
    chart === 'istiod' ||
    subject.kind === 'IstioOperator' ||
    (subject.kind === 'Istio' && subject.apiVersion.startsWith('sailoperator.io/')) ||
    (subject.kind === 'Deployment' && name === 'istiod')
  ) {
    index.istiod.push(subject);
  }
  if (chart === 'base')
    index.components.push({
      component: 'base',
      what: `${describe(subject)} installs the base chart`,
      subject,
    });
  if (chart === 'cni' || (subject.kind === 'DaemonSet' && name === 'istio-cni-node')) {
    index.components.push({ component: 'cni', what: `${describe(subject)} installs istio-cni`, subject });
  }
  if (
    chart === 'ztunnel' ||
    (subject.kind === 'DaemonSet' && name === 'ztunnel') ||
    subject.kind === 'ZTunnel'
  ) {
    index.ambient.push({ what: `${describe(subject)} installs ztunnel`, subject });
  }
  if (subject.kind === 'CustomResourceDefinition') {
    const spec = isRecord(object.spec) ? object.spec : {};
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    const bundle = scalarText(annotations['gateway.networking.k8s.io/bundle-version']);
    const version = bundle ? semver.coerce(bundle)?.version : undefined;
    if (typeof spec.group === 'string' && version) {
      index.crdBundles.push({ group: spec.group, version, what: `CRD ${name}`, subject });
    }
  }
}

/** The chart a HelmRelease, Argo CD source or Chart.yaml dependency names, when there is one. */
function chartName(object: Record<string, unknown>): string | undefined {
  const spec = isRecord(object.spec) ? object.spec : {};
  const helmChart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec.chart : undefined;
  if (typeof helmChart === 'string') return helmChart;
  const source = isRecord(spec.source) ? spec.source : undefined;
  for (const key of CHART_KEYS) if (source && typeof source[key] === 'string') return source[key] as string;
  return undefined;
}

type Visitor = (path: string, key: string, value: unknown, parentKey: string) => void;

function walk(node: unknown, path: string, depth: number, visit: Visitor, parentKey = ''): void {
  if (depth > 24) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1, visit, parentKey));
  } else if (isRecord(node)) {
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      visit(at, key, value, parentKey);
      walk(value, at, depth + 1, visit, key);
    }
  } else if (typeof node === 'string' && parentKey !== '') {
    // Strings in lists (kustomize `resources:`) carry remote CRD references too.
    if (path.endsWith(']')) visit(path, '', node, parentKey);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/** `Kind namespace/name` of a subject, for findings people read. */
export function describe(subject: NoteSubject): string {
  return `${subject.kind || 'document'} ${subject.namespace ? `${subject.namespace}/` : ''}${subject.name || '(unnamed)'}`.trim();
}
