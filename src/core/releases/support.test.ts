import { describe, expect, it } from 'vitest';
import { loadIstioDataset } from './dataset.js';
import { supportedMinors, supportStatus } from './support.js';

const { support } = loadIstioDataset();
const on = (date: string) => new Date(`${date}T12:00:00Z`);

describe('supportStatus', () => {
  it('uses announced EOL dates', () => {
    expect(supportStatus('1.13.2', support, { now: on('2026-09-21') })).toMatchObject({
      eol: true,
      eolDate: '2022-10-12',
      basis: 'announced',
    });
    expect(supportStatus('1.28.3', support, { now: on('2026-06-30') }).eol).toBe(false);
    expect(supportStatus('1.28.3', support, { now: on('2026-07-01') }).eol).toBe(true);
  });

  it('keeps an expected date expected until it passes', () => {
    expect(supportStatus('1.29.8', support, { now: on('2026-09-21') })).toMatchObject({
      eol: false,
      eolDate: '2026-10-12',
      eolExpected: true,
      basis: 'expected',
    });
    expect(supportStatus('1.29.8', support, { now: on('2026-10-13') }).eol).toBe(true);
  });

  it('derives the date from the feed by the N+2 rule when nothing is announced', () => {
    const releases = [{ version: '1.32.0', publishedAt: '2026-11-20T10:00:00Z' }];
    expect(supportStatus('1.30.5', support, { now: on('2026-11-26'), releases })).toMatchObject({
      eol: false,
      eolDate: '2027-01-01',
      basis: 'n+2 rule',
    });
    expect(supportStatus('1.30.5', support, { now: on('2026-11-26') })).toMatchObject({
      eol: false,
      basis: 'unknown',
    });
  });

  it('lists the supported minors, newer ones from the feed included', () => {
    const releases = [{ version: '1.32.0', publishedAt: '2026-11-20' }, { version: '1.33.0-alpha.0' }];
    expect(supportedMinors(support, { now: on('2026-11-26'), releases })).toEqual(['1.30', '1.31', '1.32']);
    expect(supportedMinors(support, { now: on('2026-09-21') })).toEqual(['1.29', '1.30', '1.31']);
    // 1.31 was released on 2026-08-31: the day before, it was not supported yet.
    expect(supportedMinors(support, { now: on('2026-08-30') })).not.toContain('1.31');
  });
});
