// Istio container images anywhere in a manifest (workloads, patches, values) and the
// sidecar.istio.io/proxyImage annotation: `<hub>/proxyv2:<tag>` and its siblings.
import { isPair, isScalar, visit } from 'yaml';
import type { KindFileResult } from '../kind.js';
import { istioImageRole } from '../istio-charts.js';
import type { Pin } from '../types.js';
import { pinAt, revisionLabelIn, scalarSource } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

const IMAGE_REFERENCE =
  /^((?:[A-Za-z0-9.-]+(?::\d+)?\/)?(?:[A-Za-z0-9._-]+\/)*)(proxyv2|pilot|ztunnel|install-cni):(v?)(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)(-distroless|-debug)?(@sha256:[0-9a-f]{64})?$/;

const IMAGE_NAME = /(?:proxyv2|pilot|ztunnel|install-cni):/;

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    let revision: string | undefined;
    let revisionLooked = false;
    visit(document, {
      Scalar(_key, node, path) {
        // A pin's source text is its value (or the value trimmed): most scalars fail this quick test.
        if (typeof node.value !== 'string' || !IMAGE_NAME.test(node.value)) return;
        const source = scalarSource(file, node);
        const match = source ? IMAGE_REFERENCE.exec(source.text) : null;
        if (!source || !match) return;
        const image = `${match[1] ?? ''}${match[2]}`;
        const role = istioImageRole(image);
        if (!role) return;
        if (!revisionLooked) {
          revision = revisionLabelIn(document);
          revisionLooked = true;
        }
        const parent = path[path.length - 1];
        const key = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : '';
        const at =
          source.offset + (match[1] ?? '').length + (match[2] ?? '').length + 1 + (match[3] ?? '').length;
        const pin = pinAt(file, at, match[4]!, {
          kind: 'container-images',
          role,
          location: key === 'sidecar.istio.io/proxyImage' ? `annotation ${key}` : `image ${image}`,
          value: source.text,
          quote: source.quote,
          vPrefixed: match[3] === 'v',
          ...(revision ? { revision } : {}),
          ...(match[6] ? { digest: match[6].slice(1) } : {}),
        });
        if (pin) pins.push(pin);
      },
    });
  }
  return { pins };
}
