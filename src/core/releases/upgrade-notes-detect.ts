// Whether each upgrade note applies to a repo: detectors over plain objects (the mesh model's
// MeshObject[], or a repo's parsed documents), the Kubernetes version and the retired-host sources.
import semver from 'semver';
import type { NoteAction, NoteDetector, UpgradeNote } from './upgrade-notes.js';

/** An object as the mesh model hands it over (structurally its MeshObject): plain data plus where from. */
export interface NoteSubject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
  source?: { file: string; line: number };
  /**
   * Lines of fields inside the object by path (`spec.values.pilot.env.X`, `…containers[0].env[1]`),
   * when the reader knows them; findings fall back to the object's line.
   */
  lines?: ReadonlyMap<string, number>;
}

/** A location on a retired host, and what it was moved to when this change moved it. */
export interface NoteSource {
  file: string;
  line: number;
  value: string;
  movedTo?: string;
}

export interface NoteInput {
  objects: readonly NoteSubject[];
  kubernetesVersion?: string;
  sources?: readonly NoteSource[];
}

export interface NoteFinding {
  what: string;
  file?: string;
  line?: number;
}

export interface AppliedNote {
  note: UpgradeNote;
  action: NoteAction;
  findings: NoteFinding[];
  /** What this change already did about it, when it did something. */
  done?: string;
}

export interface NotesVerdict {
  applies: AppliedNote[];
  /** Notes of the hop the repo cannot show either way: for the reviewer to read. */
  undetectable: UpgradeNote[];
}

/**
 * Raw-text keywords a document must hold for any of these notes to see it: a scan can skip parsing
 * every other file (most workloads mention `istio` only in an injection label).
 */
export function noteKeywords(notes: readonly UpgradeNote[]): string[] {
  const words = new Set<string>();
  for (const { detect } of notes) {
    switch (detect.type) {
      case 'env':
      case 'annotation':
        words.add(detect.name);
        break;
      case 'env-unset':
        // Detected on istiod's declarations, unless the flag or a compatibilityVersion keeps the old default.
        for (const w of [detect.name, 'compatibilityVersion', 'istiod', 'IstioOperator', 'sailoperator.io'])
          words.add(w);
        break;
      case 'kinds':
        detect.kinds.forEach((k) => words.add(k));
        break;
      case 'component':
        for (const w of detect.component === 'cni'
          ? ['cni']
          : ['chart: base', 'chart: "base"', "chart: 'base'", 'name: base'])
          words.add(w);
        break;
      case 'ambient':
        for (const w of ['ambient', 'ztunnel', 'ZTunnel']) words.add(w);
        break;
      case 'crd-bundle':
        for (const w of [detect.group, 'gateway-api']) words.add(w);
        break;
      default:
        break;
    }
  }
  return [...words];
}

/** The notes that apply to this repo, each with what shows it; notes shown not to apply are dropped. */
export function detectUpgradeNotes(notes: readonly UpgradeNote[], input: NoteInput): NotesVerdict {
  const verdict: NotesVerdict = { applies: [], undetectable: [] };
  const index = indexSubjects(input.objects);
  for (const note of notes) {
    if (note.detect.type === 'undetectable') {
      verdict.undetectable.push(note);
      continue;
    }
    const applied = detect(note, note.detect, index, input);
    if (applied) verdict.applies.push(applied);
  }
  return verdict;
}

function detect(
  note: UpgradeNote,
  detector: NoteDetector,
  index: SubjectIndex,
  input: NoteInput,
): AppliedNote | undefined {
  const found = (
    findings: NoteFinding[],
    action: NoteAction = note.action,
    done?: string,
  ): AppliedNote | undefined =>
    findings.length ? { note, action, findings, ...(done ? { done } : {}) } : undefined;
  switch (detector.type) {
    case 'env':
      return found(index.env.filter((e) => e.name === detector.name).map(envFinding));
    case 'env-unset': {
      if (index.env.some((e) => e.name === detector.name)) return undefined;
      if (
        note.compatibilityVersion &&
        index.compatibilityVersions.some((c) => minorAtMost(c.value, note.compatibilityVersion!))
      )
        return undefined;
      return index.istiod.length
        ? found(index.istiod.map((s) => ({ what: `${describe(s)} keeps the new default`, ...where(s) })))
        : undefined;
    }
    case 'annotation':
      return found(
        index.annotations
          .filter((a) => a.name === detector.name)
          .map((a) => ({ what: `annotation ${a.name} on ${describe(a.subject)}`, ...where(a.subject) })),
      );
    case 'kinds':
      return found(
        input.objects
          .filter(
            (o) =>
              detector.kinds.includes(o.kind) &&
              (!detector.apiVersions || detector.apiVersions.includes(o.apiVersion)),
          )
          .slice(0, 5)
          .map((o) => ({ what: `${describe(o)} (${o.apiVersion})`, ...where(o) })),
      );
    case 'component':
      return found(
        index.components
          .filter((c) => c.component === detector.component)
          .map((c) => ({ what: c.what, ...where(c.subject) })),
      );
    case 'ambient':
      return found(index.ambient.slice(0, 5).map((a) => ({ what: a.what, ...where(a.subject) })));
    case 'crd-bundle':
      return detectCrdBundle(note, detector, index, input);
    case 'kubernetes': {
      const version = input.kubernetesVersion ? semver.coerce(input.kubernetesVersion) : null;
      if (!version) return undefined;
      const minor = `${version.major}.${version.minor}`;
      if (detector.supported.includes(minor)) return undefined;
      return found([
        {
          what: `Kubernetes ${minor} is outside Istio ${note.minor}'s supported ${detector.supported.join(', ')}`,
        },
      ]);
    }
    case 'retired-source': {
      const sources = input.sources ?? [];
      const moved = sources.filter((s) => s.movedTo);
      const findings = sources.map((s) => ({
        what: s.movedTo ? `${s.value} → ${s.movedTo}` : `${s.value} is on a retired host`,
        file: s.file,
        line: s.line,
      }));
      const allMoved = moved.length === sources.length;
      return found(
        findings,
        allMoved ? 'rewrite' : 'warn',
        moved.length ? `moved ${moved.length} location(s) to Istio's current hosts` : undefined,
      );
    }
    default:
      return undefined;
  }
}

function detectCrdBundle(
  note: UpgradeNote,
  detector: Extract<NoteDetector, { type: 'crd-bundle' }>,
  index: SubjectIndex,
  input: NoteInput,
): AppliedNote | undefined {
  const bundles = index.crdBundles.filter((b) => b.group === detector.group);
  const old = bundles.filter((b) => semver.lt(b.version, detector.minimum));
  if (old.length) {
    return {
      note,
      action: note.action,
      findings: old.map((b) => ({
        what: `${b.what} is v${b.version}, older than v${detector.minimum}`,
        ...where(b.subject),
      })),
    };
  }
  if (bundles.length) return undefined;
  const users = input.objects.filter((o) => o.apiVersion.startsWith(`${detector.group}/`));
  if (!users.length) return undefined;
  // The API is used but the repo does not install the CRDs: the reviewer must check the cluster.
  return {
    note,
    action: 'warn',
    findings: [
      {
        what: `${users.length} ${detector.group} object(s) (${describe(users[0]!)}); the repo does not show which CRD version the cluster has`,
        ...where(users[0]!),
      },
    ],
  };
}

function minorAtMost(value: string, limit: string): boolean {
  const a = semver.coerce(value);
  const b = semver.coerce(limit);
  return a !== null && b !== null && (a.major < b.major || (a.major === b.major && a.minor <= b.minor));
}

function describe(subject: NoteSubject): string {
  return `${subject.kind || 'document'} ${subject.namespace ? `${subject.namespace}/` : ''}${subject.name || '(unnamed)'}`.trim();
}

function where(subject: NoteSubject): { file?: string; line?: number } {
  return subject.source ? { file: subject.source.file, line: subject.source.line } : {};
}

function envFinding(entry: EnvEntry): NoteFinding {
  const line = entry.subject.lines?.get(entry.at ?? entry.path);
  return {
    what: `${entry.name}=${entry.value ?? ''} at ${entry.path} in ${describe(entry.subject)}`,
    ...where(entry.subject),
    ...(line !== undefined && entry.subject.source ? { line } : {}),
  };
}

interface EnvEntry {
  name: string;
  /** The path `lines` knows it by, when it differs from the one shown. */
  at?: string;
  value?: string;
  path: string;
  subject: NoteSubject;
}

interface SubjectIndex {
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
function indexSubjects(objects: readonly NoteSubject[]): SubjectIndex {
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
