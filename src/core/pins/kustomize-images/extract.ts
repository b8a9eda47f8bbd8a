// kustomize `images:` pins: newTag of entries whose name (or newName) is an Istio image.
import { isScalar } from 'yaml';
import type { KindFileResult } from '../kind.js';
import { IMAGE_TAG, istioImageRole } from '../istio-charts.js';
import type { Pin } from '../types.js';
import { itemsAt, nodeAt, pinAt, scalarSource, stringAt } from '../yaml-documents.js';
import type { ParsedFile } from '../yaml-documents.js';

export function extract(file: ParsedFile): KindFileResult {
  const pins: Pin[] = [];
  for (const document of file.documents) {
    itemsAt(document, document.contents, 'images').forEach((entry, index) => {
      const image = stringAt(document, entry, 'newName') ?? stringAt(document, entry, 'name') ?? '';
      const role = istioImageRole(image) ?? istioImageRole(stringAt(document, entry, 'name') ?? '');
      if (!role) return;
      const tagNode = nodeAt(document, entry, 'newTag');
      const source = isScalar(tagNode) ? scalarSource(file, tagNode) : undefined;
      const match = source ? IMAGE_TAG.exec(source.text) : null;
      if (!source || !match) return;
      const prefix = match[1] ?? '';
      const digest = stringAt(document, entry, 'digest');
      const pin = pinAt(file, source.offset + prefix.length, match[2]!, {
        kind: 'kustomize-images',
        role,
        location: `images[${index}].newTag (${image})`,
        value: source.text,
        quote: source.quote,
        vPrefixed: prefix === 'v',
        ...(digest ? { digest } : {}),
      });
      if (pin) pins.push(pin);
    });
  }
  return { pins };
}
