// Whether each upgrade note applies to a repo: detectors over plain objects (the mesh model's
// MeshObject[], or a repo's parsed documents), the Kubernetes version and the retired-host sources.
import semver from 'semver';
import { describe, indexSubjects, type EnvEntry, type SubjectIndex } from './upgrade-notes-index.js';
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
  const found = (findings: NoteFinding[]) => applied(note, findings);
  switch (detector.type) {
    case 'env':
      return found(index.env.filter((e) => e.name === detector.name).map(envFinding));
    case 'env-unset':
      return detectEnvUnset(note, detector.name, index);
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
    case 'kubernetes':
      return detectKubernetes(note, detector.supported, input);
    case 'retired-source':
      return detectRetiredSources(note, input);
    default:
      return undefined;
  }
}

function applied(
  note: UpgradeNote,
  findings: NoteFinding[],
  action: NoteAction = note.action,
  done?: string,
): AppliedNote | undefined {
  return findings.length ? { note, action, findings, ...(done ? { done } : {}) } : undefined;
}

function detectEnvUnset(note: UpgradeNote, name: string, index: SubjectIndex): AppliedNote | undefined {
  if (index.env.some((e) => e.name === name)) return undefined;
  if (
    note.compatibilityVersion &&
    index.compatibilityVersions.some((c) => minorAtMost(c.value, note.compatibilityVersion!))
  )
    return undefined;
  return index.istiod.length
    ? applied(
        note,
        index.istiod.map((s) => ({ what: `${describe(s)} keeps the new default`, ...where(s) })),
      )
    : undefined;
}

function detectKubernetes(
  note: UpgradeNote,
  supported: readonly string[],
  input: NoteInput,
): AppliedNote | undefined {
  const version = input.kubernetesVersion ? semver.coerce(input.kubernetesVersion) : null;
  if (!version) return undefined;
  const minor = `${version.major}.${version.minor}`;
  if (supported.includes(minor)) return undefined;
  return applied(note, [
    { what: `Kubernetes ${minor} is outside Istio ${note.minor}'s supported ${supported.join(', ')}` },
  ]);
}

function detectRetiredSources(note: UpgradeNote, input: NoteInput): AppliedNote | undefined {
  const sources = input.sources ?? [];
  const moved = sources.filter((s) => s.movedTo);
  const findings = sources.map((s) => ({
    what: s.movedTo ? `${s.value} → ${s.movedTo}` : `${s.value} is on a retired host`,
    file: s.file,
    line: s.line,
  }));
  const allMoved = moved.length === sources.length;
  return applied(
    note,
    findings,
    allMoved ? 'rewrite' : 'warn',
    moved.length ? `moved ${moved.length} location(s) to Istio's current hosts` : undefined,
  );
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
