// get-istioctl's `version-file`: the control plane version from any file that pins one.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FileFormatError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sortVersions } from '../versions/parse.js';
import { extractPins } from './engine.js';
import { istioVersionFileKind } from './istio-version-file/index.js';
import { PIN_KINDS } from './index.js';

/**
 * The control plane version pinned in `path`: a `.istio-version`-style file, or any manifest with a
 * control plane pin (IstioOperator, HelmRelease, Sail Istio, Argo CD, Chart.yaml, values, workflow).
 * Pins that disagree are an error: installing "some" istioctl would hide it.
 */
export function readControlPlaneVersion(path: string, options: { logger?: Logger } = {}): string {
  return readControlPlanePin(path, { ...options, shownAs: basename(path) }).version;
}

/**
 * readControlPlaneVersion with where the version sits: the first control plane pin (1-based line).
 * `shownAs` is the file name used in pins and errors (default: `path` as given).
 */
export function readControlPlanePin(
  path: string,
  options: { logger?: Logger; shownAs?: string } = {},
): { version: string; line: number } {
  const text = readFileSync(path, 'utf8');
  const name = options.shownAs ?? path;
  const plain = istioVersionFileKind.extract({ path: name, text });
  if (plain[0]) return { version: plain[0].version, line: plain[0].line };
  const kinds = PIN_KINDS.filter((k) => k.name !== 'istio-version-file');
  const { pins } = extractPins(
    { files: [{ path: name, text }] },
    { kinds, ignoreFilePatterns: true, ...(options.logger ? { logger: options.logger } : {}) },
  );
  const controlPlane = pins.filter((p) => p.role === 'control-plane');
  const versions = sortVersions(new Set(controlPlane.map((p) => p.version)));
  if (versions.length === 0) {
    throw new NotFoundError('no Istio control plane version is pinned in this file', {
      input: 'version-file',
      file: path,
      hint: 'Point version-file at a file that pins the control plane (e.g. .istio-version, an IstioOperator, a HelmRelease of istiod or a Sail Istio resource).',
    });
  }
  if (versions.length > 1) {
    throw new FileFormatError(`control plane pins disagree: ${versions.join(', ')}`, {
      input: 'version-file',
      file: path,
      hint: 'Make the pins agree, or use the version input instead.',
    });
  }
  return { version: versions[0]!, line: controlPlane[0]!.line };
}
