// Istio's upgrade notes as rules (data/upgrade-notes.json): which notes a hop crosses, and the shape
// of a rule: what it detects in the repo and whether it rewrites, warns or blocks.
import notesFile from '../../../data/upgrade-notes.json' with { type: 'json' };
import { InvalidInputError } from '../errors.js';
import { parseIstioVersion } from '../versions/parse.js';

export type NoteCategory =
  | 'artifact-location'
  | 'crd-version'
  | 'removed-env'
  | 'removed-annotation'
  | 'removed-values'
  | 'renamed-values'
  | 'default-change'
  | 'behaviour'
  | 'kubernetes-support';

export type NoteAction = 'rewrite' | 'warn' | 'block';

export type NoteDetector =
  /** A proxy, istiod or CNI env entry (values `*.env`, container `env[]`, `proxyMetadata`) is set. */
  | { type: 'env'; name: string }
  /** The same entry is absent: the changed default reaches this repo. */
  | { type: 'env-unset'; name: string }
  | { type: 'annotation'; name: string }
  /** Objects of these kinds (at one of these apiVersions, when given) are declared. */
  | { type: 'kinds'; kinds: string[]; apiVersions?: string[] }
  | { type: 'component'; component: 'base' | 'cni' }
  | { type: 'ambient' }
  /** Installed CRD bundle of `group` older than `minimum`, or unknown while the API is used. */
  | { type: 'crd-bundle'; group: string; minimum: string }
  | { type: 'kubernetes'; supported: string[] }
  /** A chart or image location on a retired host. */
  | { type: 'retired-source' }
  /** Nothing in a repo shows whether it applies; listed once, by link. */
  | { type: 'undetectable' };

export interface UpgradeNote {
  id: string;
  /** The minor whose upgrade notes hold it: it applies to hops that land on this minor or cross it. */
  minor: string;
  category: NoteCategory;
  title: string;
  url: string;
  detect: NoteDetector;
  action: NoteAction;
  /** What to do, in a sentence. */
  advice?: string;
  /** The env flag that restores the old behaviour, for default changes. */
  env?: string;
  /** The compatibilityVersion that restores the old behaviour. */
  compatibilityVersion?: string;
}

let loaded: UpgradeNote[] | undefined;

/** The bundled rules, checked once: an unknown detector or action is a build mistake, named by id. */
export function loadUpgradeNotes(): UpgradeNote[] {
  loaded ??= (notesFile.notes as unknown as UpgradeNote[]).map(checkNote);
  return loaded;
}

// The detectors and actions a rule may name: listed once, in the data file, which
// scripts/refresh-data.mjs checks against too.
const DETECTORS: readonly string[] = notesFile.detectors;
const ACTIONS: readonly string[] = notesFile.actions;

function checkNote(note: UpgradeNote): UpgradeNote {
  const problem = !/^1\.\d+$/.test(note.minor)
    ? `minor '${note.minor}'`
    : !/^https:\/\/istio\.io\//.test(note.url)
      ? `url '${note.url}'`
      : !DETECTORS.includes(note.detect?.type)
        ? `detector '${note.detect?.type}'`
        : !ACTIONS.includes(note.action)
          ? `action '${note.action}'`
          : undefined;
  if (problem) {
    throw new InvalidInputError(`upgrade note ${note.id} has an invalid ${problem}`, {
      file: 'data/upgrade-notes.json',
      hint: 'Fix the entry (see data/README.md) and run node scripts/refresh-data.mjs --check.',
    });
  }
  return note;
}

/** The notes a hop from `from` to `to` crosses: those of every minor after `from`'s, up to `to`'s. */
export function notesForHop(
  from: string,
  to: string,
  notes: readonly UpgradeNote[] = loadUpgradeNotes(),
): UpgradeNote[] {
  const a = parseIstioVersion(from);
  const b = parseIstioVersion(to);
  if (!a || !b) return [];
  const key = (major: number, minor: number) => major * 1000 + minor;
  const low = key(a.major, a.minor);
  const high = key(b.major, b.minor);
  return notes.filter((note) => {
    const [major, minor] = note.minor.split('.').map(Number);
    const at = key(major!, minor!);
    // Kubernetes support is about where the hop lands, not what it crosses; the retired hosts are
    // removed for every version, so that note goes with every hop (and with no hop at all).
    if (note.detect.type === 'retired-source') return true;
    return note.detect.type === 'kubernetes' ? at === high : at > low && at <= high;
  });
}
