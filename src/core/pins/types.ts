// The plain data every pin kind produces and the engine consumes: a pin and the edit planned for it.
import type { PinKindName } from './index.js';

export type PinRole = 'control-plane' | 'data-plane';
export const ROLE_SELECTIONS = ['control-plane', 'data-plane', 'all'] as const;
export type RoleSelection = (typeof ROLE_SELECTIONS)[number];

/** How the version is written, so an update can write the new one the same way. */
export type PinFormat = 'plain' | 'v-prefixed';
/** The scalar's quoting as found; updates never change it because they splice inside the scalar. */
export type PinQuote = 'none' | 'single' | 'double' | 'block';

export interface Pin {
  /** Workspace-relative path with `/` separators. */
  file: string;
  /** 1-based line and column of the version text (after any `v`). */
  line: number;
  column: number;
  kind: PinKindName;
  /** The text as written around the version, e.g. `v1.24.2` or `docker.io/istio/proxyv2:1.24.2`. */
  value: string;
  /** The Istio version it pins, normalised (no `v`). */
  version: string;
  format: PinFormat;
  quote: PinQuote;
  role: PinRole;
  /** The revision the pin belongs to (`revision`, `istio.io/rev`), when one is set. */
  revision?: string;
  /** Where in the document, for people: `spec.chart.spec.version`, `image docker.io/istio/proxyv2`. */
  location: string;
  /** Character offsets of exactly the version digits in the file's text (end exclusive). */
  start: number;
  end: number;
  /** A digest (`@sha256:…`) pinned next to the tag; such pins cannot be bumped safely. */
  digest?: string;
  /** For a value reached through Flux substitution: the files:lines that use it. */
  usedBy?: string[];
}

/** One file's text as read from the workspace. */
export interface SourceText {
  /** Workspace-relative path with `/` separators. */
  path: string;
  text: string;
}

export interface PinEdit {
  pin: Pin;
  /** The text that replaces `[pin.start, pin.end)`. */
  replacement: string;
  /** The version after the edit, normalised. */
  target: string;
}
