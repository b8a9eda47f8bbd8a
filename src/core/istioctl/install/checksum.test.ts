import { describe, expect, it } from 'vitest';
import { FileFormatError, InvalidInputError } from '../../errors.js';
import { parsePinnedChecksum, parseSha256File } from './checksum.js';

const HASH = 'f2a96aefa7ae169e3488fa92b4ae2227b3c9c6e8f969b87d21ca4a95097b8684';
const ASSET = 'istioctl-1.31.0-linux-amd64.tar.gz';

describe('parseSha256File', () => {
  it('reads sha256sum output (two spaces, trailing newline)', () => {
    expect(parseSha256File(`${HASH}  ${ASSET}\n`, ASSET)).toBe(HASH);
  });

  it('reads a single space, a binary-mode star, CRLF and upper-case hex', () => {
    expect(parseSha256File(`${HASH.toUpperCase()} *${ASSET}\r\n`, ASSET)).toBe(HASH);
    expect(parseSha256File(`${HASH} ${ASSET}`, ASSET)).toBe(HASH);
  });

  it('reads a bare hash', () => {
    expect(parseSha256File(`${HASH}\n`, ASSET)).toBe(HASH);
  });

  it('picks the line for the asset from a multi-line checksums file', () => {
    const other = 'a'.repeat(64);
    expect(parseSha256File(`${other}  istioctl-1.31.0-osx.tar.gz\n${HASH}  ${ASSET}\n`, ASSET)).toBe(HASH);
  });

  it('rejects a file naming another asset', () => {
    expect(() => parseSha256File(`${HASH}  istioctl-1.30.4-linux-amd64.tar.gz\n`, ASSET)).toThrow(
      /names istioctl-1\.30\.4/,
    );
  });

  it('rejects something that is not a SHA-256 (an HTML error page, say)', () => {
    expect(() => parseSha256File('<html>Not Found</html>', ASSET)).toThrow(FileFormatError);
    expect(() => parseSha256File('', ASSET)).toThrow(/does not hold a SHA-256/);
    expect(() => parseSha256File(`${HASH.slice(1)}  ${ASSET}`, ASSET)).toThrow(FileFormatError);
  });
});

describe('parsePinnedChecksum', () => {
  it('accepts hex with or without sha256:', () => {
    expect(parsePinnedChecksum(HASH)).toBe(HASH);
    expect(parsePinnedChecksum(`sha256:${HASH.toUpperCase()}`)).toBe(HASH);
  });

  it('names the checksum input when malformed', () => {
    expect(() => parsePinnedChecksum('abc')).toThrow(InvalidInputError);
    try {
      parsePinnedChecksum('abc');
    } catch (error) {
      expect((error as InvalidInputError).input).toBe('checksum');
    }
  });
});
