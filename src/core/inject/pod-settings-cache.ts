// What a document's pod template says about its selection (istio.io/rev, sidecar.istio.io/inject,
// the status annotation) and which sidecar mode it has, remembered by the document's hash: reading it needs the whole document
// parsed, which at 3,000 injected workloads costs more than the rest of a no-op run (ADR 0013).
import { ownString as own } from '../mesh/yaml-values.js';
import type { Job } from './jobs.js';
import { memo, sha256 } from './injection-cache.js';
import { podSettingIn } from './selection.js';
import { MODE_SETTING, modeIn } from './sidecar-mode.js';

/** Every key the selection and the revision choice read (selection.ts, revisions.ts). */
const KEYS = ['istio.io/rev', 'sidecar.istio.io/inject', 'sidecar.istio.io/status'];

/** Entries not used by the last run are kept up to this many (other branches, PR checks). */
const SPARE_ENTRIES = 20_000;

type Settings = Record<string, string | null>;

export class PodSettingsCache {
  // Values are kept owned (ownString): one read from a parse would keep the document's text alive.
  private readonly used = new Map<string, Settings>();
  private changed = false;

  private constructor(
    private readonly store: ReturnType<typeof memo<Record<string, Settings>>> | undefined,
    private readonly stored: Record<string, Settings>,
  ) {}

  static open(cacheDir: string | undefined): PodSettingsCache {
    const store = cacheDir ? memo<Record<string, Settings>>(cacheDir, 'pod-settings') : undefined;
    const stored = store?.get();
    return new PodSettingsCache(store, stored && typeof stored === 'object' ? stored : {});
  }

  /** Gives each job the settings recorded for its body (and a place to record new ones). */
  attach(jobs: readonly Job[]): void {
    if (!this.store) return;
    for (const job of jobs) {
      const key = sha256(job.body);
      const settings = this.used.get(key) ?? { ...(this.stored[key] ?? {}) };
      this.used.set(key, settings);
      job.podSettings = {
        get: (name) => (Object.hasOwn(settings, name) ? settings[name] : undefined),
        set: (name, value) => {
          if (settings[name] === value) return;
          settings[name] = own(value);
          this.changed = true;
        },
      };
    }
  }

  /** The settings of a body this run writes, read from its parse, for the next run. */
  record(body: string, parsed: unknown): void {
    if (!this.store) return;
    const settings: Settings = {};
    for (const key of KEYS) settings[key] = own(podSettingIn(parsed, key) ?? null);
    settings[MODE_SETTING] = own(modeIn(parsed) ?? null);
    this.used.set(sha256(body), settings);
    this.changed = true;
  }

  save(): void {
    if (!this.store) return;
    const spare = Object.keys(this.stored).filter((k) => !this.used.has(k));
    if (!this.changed && this.used.size === Object.keys(this.stored).length) return;
    const entries: Record<string, Settings> = Object.fromEntries(this.used);
    for (const key of spare.slice(-SPARE_ENTRIES)) entries[key] = this.stored[key]!;
    this.store.set(entries);
  }
}
