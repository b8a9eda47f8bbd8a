// Retired-host locations written inside text: `helm repo add`, `helm install oci://…`, `--set hub=…`,
// `FROM gcr.io/istio-release/…`, download URLs, in scripts, Dockerfiles and workflow `run:` steps.
import { retiredHostOf } from '../../releases/artifact-hosts.js';
import { linePosition } from '../../pins/yaml-documents.js';
import type { SourceText } from '../../pins/types.js';
import type { ArtifactKind, IstioSource } from '../types.js';

// A token starts at a word boundary (never inside a mirror's path such as `mirror.example.com/gcr.io/…`)
// and runs until whitespace, a quote or closing punctuation.
const TOKEN =
  /(?<![\w./-])(?:(?:oci|https?):\/\/)?(?:istio-release\.storage\.googleapis\.com|storage\.googleapis\.com\/istio-release|gcr\.io\/istio-release|registry\.istio\.io)(?=[/:@\s"'`]|$)[^\s"'`)\]},;]*/gim;

export function extract(file: SourceText): IstioSource[] {
  const sources: IstioSource[] = [];
  for (const match of file.text.matchAll(TOKEN)) {
    const value = match[0].replace(/[.]+$/, '');
    const artifact: ArtifactKind =
      /^oci:\/\//i.test(value) || /storage\.googleapis\.com|\/charts(?:[/:]|$)/i.test(value)
        ? 'chart'
        : 'image';
    const host = retiredHostOf(artifact, value);
    if (!host) continue;
    const start = match.index;
    const { line, col } = linePosition(file.text, start);
    sources.push({
      file: file.path,
      line,
      column: col,
      kind: 'script-urls',
      artifact,
      location: `line ${line}`,
      value,
      quote: 'none',
      host,
      start,
      end: start + value.length,
    });
  }
  return sources;
}
