// SHA-256 checksums: parsing Istio's published `<asset>.sha256` files and pinned values.
import { FileFormatError, InvalidInputError } from '../../errors.js';

const HEX = /^[0-9a-f]{64}$/i;

/**
 * The hash in a `.sha256` file: `<hex> <filename>` (sha256sum's two spaces or `*` binary marker
 * are fine), or a bare hash. With several lines, the one naming `assetName` wins.
 */
export function parseSha256File(text: string, assetName: string, source = `${assetName}.sha256`): string {
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[0] !== undefined && fields[0] !== '')
    .map(([hash, name]) => ({ hash: hash!, name: name?.replace(/^\*/, '').replace(/^.*\//, '') }));
  const named = entries.find((e) => e.name === assetName);
  const entry = named ?? (entries.length === 1 ? entries[0] : undefined);
  if (!entry || !HEX.test(entry.hash)) {
    throw new FileFormatError(`${source} does not hold a SHA-256 for ${assetName}`, {
      hint: `Expected '<64 hex digits>  ${assetName}'; got: ${JSON.stringify(text.slice(0, 120))}`,
    });
  }
  if (entry.name !== undefined && entry.name !== assetName) {
    throw new FileFormatError(`${source} names ${entry.name}, not ${assetName}`, {
      hint: 'The checksum file belongs to another download; check the download base URL or mirror.',
    });
  }
  return entry.hash.toLowerCase();
}

/** A pinned checksum input: 64 hex digits, optionally prefixed `sha256:`. */
export function parsePinnedChecksum(value: string, input = 'checksum'): string {
  const hex = value.trim().replace(/^sha256:/i, '');
  if (!HEX.test(hex)) {
    throw new InvalidInputError(`'${value}' is not a SHA-256`, {
      input,
      hint: 'Give the 64 hex digits of the archive, e.g. from the .sha256 file beside it on the release.',
    });
  }
  return hex.toLowerCase();
}
