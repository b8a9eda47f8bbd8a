import { describe, expect, it } from 'vitest';
import { buildPullRequestBody } from './pr-body.js';
import { upgradeNotesSections } from './upgrade-notes-section.js';

describe('upgrade notes in the PR body', () => {
  it('names a removed flag the repo sets, with its link and where it is set', () => {
    const body = buildPullRequestBody(
      {
        component: 'control-plane',
        from: '1.30.4',
        to: '1.31.0',
        upgradeNotes: {
          from: '1.30.4',
          to: '1.31.0',
          applies: [
            {
              title: 'PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY is removed',
              url: 'https://istio.io/latest/news/releases/1.31.x/announcing-1.31/upgrade-notes/',
              action: 'warn',
              advice: 'The entry can go.',
              findings: [
                { what: 'PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY=false', file: 'istiod.yaml', line: 12 },
              ],
            },
          ],
        },
      },
      { component: 'control-plane', from: '1.30.4', to: '1.31.0' },
    );
    expect(body).toContain('### Upgrade notes that apply (1.30.4 → 1.31.0)');
    expect(body).toContain(
      '- ⚠️ check: [PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY is removed](https://istio.io/latest/news/releases/1.31.x/announcing-1.31/upgrade-notes/)',
    );
    expect(body).toContain('  - `istiod.yaml:12` PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY=false');
  });

  it('says a target is still vulnerable and whether a later hop or only a release fixes it', () => {
    const [hop] = upgradeNotesSections({
      stillVulnerable: {
        target: '1.30.0',
        advisories: [{ id: 'ISTIO-SECURITY-2026-006' }],
        fixedBy: '1.30.4',
        fixedByHop: true,
      },
    });
    expect(hop).toContain('1.30.0 is still affected by ISTIO-SECURITY-2026-006');
    expect(hop).toContain('A later hop of the path, to **1.30.4**');
    const [release] = upgradeNotesSections({
      stillVulnerable: { target: '1.30.0', advisories: [{ id: 'X' }], fixedBy: '1.30.4', fixedByHop: false },
    });
    expect(release).toContain('fixed in **1.30.4**');
  });

  it('adds nothing when no note applies', () => {
    expect(upgradeNotesSections({ upgradeNotes: { applies: [] } })).toEqual([]);
  });
});
