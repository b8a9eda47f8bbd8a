// The plain data the source kinds produce: where a file points at Istio's charts or images on a
// retired host, and the move that points it at Istio's current location.
import type { ParsedFile } from '../pins/yaml-documents.js';
import type { PinQuote, SourceText } from '../pins/types.js';

export type SourceKindName =
  | 'flux-sources'
  | 'argocd-repourl'
  | 'helm-chart-repository'
  | 'helmfile-repositories'
  | 'kustomize-helm-charts'
  | 'image-hubs'
  | 'script-urls';

/** What the location serves: a Helm chart repository (or OCI chart) or container images. */
export type ArtifactKind = 'chart' | 'image';

export interface IstioSource {
  /** Workspace-relative path with `/` separators. */
  file: string;
  /** 1-based line and column of the location text (inside any quotes). */
  line: number;
  column: number;
  kind: SourceKindName;
  artifact: ArtifactKind;
  /** Where in the document, for people: `HelmRepository istio-system/istio spec.url`. */
  location: string;
  /** The location exactly as written, between any quotes. */
  value: string;
  quote: PinQuote;
  /** The retired host it is on, for people. */
  host: string;
  /** Character offsets of `value` in the file's text (end exclusive). */
  start: number;
  end: number;
}

export interface SourceMove {
  source: IstioSource;
  /** The text that replaces `value`: the same location on Istio's current host. */
  replacement: string;
}

interface SourceKindBase {
  name: SourceKindName;
  description: string;
  /** Files the kind looks at by default (picomatch globs relative to the workspace). */
  filePatterns: string[];
}

/** The contract every source kind folder fulfils, like a pin kind's: metadata and extract. */
export interface YamlSourceKind extends SourceKindBase {
  input: 'yaml';
  extract(file: ParsedFile): IstioSource[];
}

/** A kind that reads text that is not YAML (scripts, Dockerfiles): it finds location tokens in lines. */
export interface TextSourceKind extends SourceKindBase {
  input: 'text';
  extract(file: SourceText): IstioSource[];
}

export type SourceKind = YamlSourceKind | TextSourceKind;
