// What a hop needs beyond the version: the repo's documents as plain objects for the upgrade-note
// detectors, the chart and image locations still on retired hosts, and a target that stays vulnerable.
import { isMap, isScalar, isSeq } from 'yaml';
import type { LineCounter } from 'yaml';
import { FileFormatError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseYamlFile } from '../pins/yaml-documents.js';
import { matchAdvisories } from '../releases/advisories.js';
import type { ReleaseSources } from '../releases/sources.js';
import { detectUpgradeNotes, noteKeywords } from '../releases/upgrade-notes-detect.js';
import type { NoteSource, NoteSubject, NotesVerdict } from '../releases/upgrade-notes-detect.js';
import { loadUpgradeNotes, notesForHop } from '../releases/upgrade-notes.js';
import type { UpgradeContext } from '../report/pr-body.js';
import type { UpgradePlan } from './plan.js';
import type { SourceMove } from '../sources/types.js';
import type { IstioSource } from '../sources/types.js';
import { compareVersions } from '../versions/parse.js';
import { isRegularWorkspaceFile, listWorkspace, readWorkspaceFile } from '../workspace/files.js';

/**
 * Every YAML document in the paths that holds one of `keywords`, as a plain object with its file and
 * line (the detectors' input); files without any keyword are not parsed.
 */
export function repoSubjects(
  root: string,
  paths: readonly string[],
  keywords: readonly string[],
  logger: Logger,
): NoteSubject[] {
  if (keywords.length === 0) return [];
  const listing = listWorkspace(root, { patterns: paths, logger, keywords });
  const subjects: NoteSubject[] = [];
  for (const path of listing.paths) {
    if (listing.mentioning && !listing.mentioning.has(path)) continue;
    if (listing.mentioning && !isRegularWorkspaceFile(root, path, logger)) continue;
    const read = readWorkspaceFile(root, path);
    if (read.status !== 'ok') continue;
    const text = read.content.toString('utf8');
    if (!keywords.some((k) => text.includes(k))) continue;
    subjects.push(...documentsOf(path, text));
  }
  return subjects;
}

function documentsOf(path: string, text: string): NoteSubject[] {
  let file;
  try {
    file = parseYamlFile({ path, text });
  } catch (error) {
    // Broken YAML is reported by the pin scan, which reads the same files; templates are not manifests.
    if (error instanceof FileFormatError) return [];
    throw error;
  }
  const subjects: NoteSubject[] = [];
  for (const document of file.documents) {
    if (!isMap(document.contents)) continue;
    const object = document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    subjects.push({
      apiVersion: text(object.apiVersion),
      kind: text(object.kind),
      name: text(metadata.name),
      ...(text(metadata.namespace) ? { namespace: text(metadata.namespace) } : {}),
      object,
      source: { file: path, line: file.lineCounter.linePos(document.contents.range?.[0] ?? 0).line },
      lines: fieldLines(document.contents, file.lineCounter),
    });
  }
  return subjects;
}

/** The line of every map key and list item by the detectors' path syntax (`a.b[0].c`). */
function fieldLines(root: unknown, lineCounter: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  const visit = (node: unknown, path: string, depth: number): void => {
    if (depth > 24) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const at = path ? `${path}.${key}` : key;
        const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (offset !== undefined) lines.set(at, lineCounter.linePos(offset).line);
        visit(pair.value, at, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const at = `${path}[${i}]`;
        const offset = (item as { range?: [number, number, number] } | null)?.range?.[0];
        if (offset !== undefined) lines.set(at, lineCounter.linePos(offset).line);
        visit(item, at, depth + 1);
      });
    }
  };
  visit(root, '', 0);
  return lines;
}

export interface HopNotes extends NotesVerdict {
  from: string;
  to: string;
}

/** The notes of the hop that apply to the repo; `moves` are the retired-host locations this change moves. */
export function hopNotes(request: {
  from: string;
  to: string;
  workspace: string;
  paths: readonly string[];
  logger: Logger;
  kubernetesVersion?: string;
  sources: readonly IstioSource[];
  moves: readonly SourceMove[];
}): HopNotes {
  const notes = notesForHop(request.from, request.to);
  const subjects = repoSubjects(request.workspace, request.paths, noteKeywords(notes), request.logger);
  const moved = new Map(request.moves.map((m) => [m.source, m.replacement]));
  const sources: NoteSource[] = request.sources.map((s) => ({
    file: s.file,
    line: s.line,
    value: s.value,
    ...(moved.has(s) ? { movedTo: moved.get(s)! } : {}),
  }));
  const verdict = detectUpgradeNotes(notes, {
    objects: subjects,
    kubernetesVersion: request.kubernetesVersion,
    sources,
  });
  return { from: request.from, to: request.to, ...verdict };
}

export interface TargetAdvisories {
  target: string;
  advisories: { id: string; url: string; severity: string; fixedIn?: string }[];
  /** The first later hop on the path that none of them affects, or the newest fix when the path has none. */
  fixedBy?: string;
  /** True when `fixedBy` is a hop of the planned path, false when it is only the advisories' fix. */
  fixedByHop?: boolean;
}

/** Advisories the hop's target still has, and the hop that fixes them; undefined when it has none. */
export function targetAdvisories(
  target: string,
  path: readonly string[],
  sources: Pick<ReleaseSources, 'advisories' | 'support'>,
): TargetAdvisories | undefined {
  const matches = matchAdvisories(target, sources.advisories, sources.support);
  if (matches.length === 0) return undefined;
  const ids = new Set(matches.map((m) => m.advisory.id));
  const later = path.filter((v) => compareVersions(v, target) > 0);
  const hop = later.find(
    (v) => !matchAdvisories(v, sources.advisories, sources.support).some((m) => ids.has(m.advisory.id)),
  );
  const fixedBy =
    hop ??
    matches
      .map((m) => m.fixedIn)
      .filter((v): v is string => v !== undefined)
      .sort(compareVersions)
      .pop();
  return {
    target,
    advisories: matches.map((m) => ({
      id: m.advisory.id,
      url: m.advisory.url,
      severity: m.advisory.severity,
      ...(m.fixedIn ? { fixedIn: m.fixedIn } : {}),
    })),
    ...(fixedBy ? { fixedBy, fixedByHop: hop !== undefined } : {}),
  };
}

/** The PR body's upgrade notes, sources moved and still-vulnerable target, from the plan and the change. */
export function notesContext(
  plan: Pick<UpgradePlan, 'notes' | 'targetAdvisories'> & { sources: Pick<UpgradePlan['sources'], 'found'> },
  moves: readonly SourceMove[],
): Partial<UpgradeContext> {
  const byId = new Map(loadUpgradeNotes().map((n) => [n.id, n]));
  const movedValues = new Set(moves.map((m) => `${m.source.file}\0${m.source.start}`));
  const applies = plan.notes.applies.map((applied) => {
    const note = byId.get(applied.note.id) ?? applied.note;
    // The plan judged the moves it expected; the change is what actually happened.
    const retired = note.detect.type === 'retired-source';
    const left = retired ? plan.sources.found.filter((s) => !movedValues.has(`${s.file}\0${s.start}`)) : [];
    const done =
      retired && moves.length ? `moved ${moves.length} location(s) to Istio's current hosts` : undefined;
    return {
      title: note.title,
      url: note.url,
      action: retired ? (left.length ? 'warn' : 'rewrite') : applied.action,
      ...(note.advice ? { advice: note.advice } : {}),
      findings: retired
        ? left.map((s) => ({ what: `${s.value} is still on ${s.host}`, file: s.file, line: s.line }))
        : applied.findings,
      ...(done ? { done } : {}),
    } as const;
  });
  const context: Partial<UpgradeContext> = {
    upgradeNotes: {
      from: plan.notes.from,
      to: plan.notes.to,
      applies: applies.filter((a) => a.findings.length > 0 || a.done),
      unchecked: plan.notes.undetectable.map((n) => ({ title: n.title, url: n.url })),
    },
  };
  if (moves.length) {
    context.sourcesMoved = moves.map((m) => ({
      file: m.source.file,
      line: m.source.line,
      from: m.source.value,
      to: m.replacement,
    }));
  }
  if (plan.targetAdvisories) context.stillVulnerable = plan.targetAdvisories;
  return context;
}
