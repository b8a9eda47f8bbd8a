import { describe, expect, it } from 'vitest';
import { maskingLogger, maskSecrets, redactUrl, registerSecret } from './logger.js';

describe('masking', () => {
  it('masks a registered token wherever it appears, including a server echoing it back', () => {
    registerSecret('s3cr3t-token-value');
    expect(
      maskSecrets('GitHub said: Bad credentials for s3cr3t-token-value (token s3cr3t-token-value)'),
    ).toBe('GitHub said: Bad credentials for *** (token ***)');
  });

  it('masks GitHub-shaped tokens nobody registered', () => {
    expect(maskSecrets(`echo ghp_${'a'.repeat(36)} and github_pat_${'B1_'.repeat(10)}`)).toBe(
      'echo *** and ***',
    );
  });

  it('strips credentials from URLs before they are logged', () => {
    expect(redactUrl('https://user:pa55@mirror.example.com/istio/1.31.0/x.tar.gz')).toBe(
      'https://***@mirror.example.com/istio/1.31.0/x.tar.gz',
    );
    expect(redactUrl('https://blob.example.com/x.tar.gz?sv=1&sig=abc&X-Amz-Credential=k')).toBe(
      'https://blob.example.com/x.tar.gz?sv=1&sig=***&X-Amz-Credential=***',
    );
    expect(maskSecrets('Downloading https://u:p@h.example/x failed')).toBe(
      'Downloading https://***@h.example/x failed',
    );
    expect(redactUrl('https://github.com/istio/istio/releases/download')).toBe(
      'https://github.com/istio/istio/releases/download',
    );
  });

  it('masks every message a masking logger passes on', () => {
    registerSecret('another-secret');
    const seen: string[] = [];
    const log = maskingLogger({
      info: (m) => seen.push(m),
      warning: (m) => seen.push(m),
      notice: (m) => seen.push(m),
      debug: (m) => seen.push(m),
    });
    log.warning('x another-secret y');
    expect(seen).toEqual(['x *** y']);
  });
});
