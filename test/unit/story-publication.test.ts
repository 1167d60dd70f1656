// What a story publishes besides its text: the one computation the release and the console share.
import { describe, expect, it } from 'vitest';
import type { FacetTallies } from '../../server/publishing/statistics.js';
import { samePublication, storyPublication } from '../../server/publishing/story-publication.js';
import { noisyFacetTallies } from '../../server/publishing/statistics.js';

const K_MIN = 11;
const tallies = (roles: Record<string, number>, platforms: Record<string, number>, conditionsYes: Record<string, number> = {}): FacetTallies => ({
  accounts: Object.values(roles).reduce((a, b) => a + b, 0),
  roles: new Map(Object.entries(roles)),
  platforms: new Map(Object.entries(platforms)),
  taskTypes: new Map(),
  conditionsYes: new Map(Object.entries(conditionsYes)),
});
const account = { role: 'writer', platforms: ['mercor', 'appen'], task_types: [], conditions: { nda_signed: 'yes', paid_all_time: 'no' } };

describe('storyPublication', () => {
  it('keeps the label and the tags shared by at least K_MIN accounts, and falls back otherwise', () => {
    const few = storyPublication(account, 'hollywood_writer', tallies({ writer: 10 }, { mercor: 10, appen: 1 }), K_MIN);
    expect(few).toEqual({ attribution: 'anonymous_contributor', tags: { platforms: [], roles: [], taskTypes: [], conditions: [] } });
    const many = storyPublication(account, 'hollywood_writer', tallies({ writer: 11 }, { mercor: 11, appen: 1 }, { nda_signed: 11 }), K_MIN);
    expect(many).toEqual({ attribution: 'hollywood_writer', tags: { platforms: ['mercor'], roles: ['writer'], taskTypes: [], conditions: ['nda_signed'] } });
  });

  it('reads noisy facet counts as they are: a negative one counts as none (noisyFacetTallies)', () => {
    const facets = noisyFacetTallies({ showFrom: 20, accounts: -3, platforms: { mercor: 25, appen: -2 }, roles: { writer: 19 }, taskTypes: {}, conditionsYes: { nda_signed: 20 } });
    expect(facets.accounts).toBe(0);
    expect(facets.platforms.get('appen')).toBe(0);
    // The release passes the threshold of a shown figure (K_MIN plus the margin) in place of K_MIN.
    expect(storyPublication(account, 'hollywood_writer', facets, 20)).toEqual({
      attribution: 'anonymous_contributor',
      tags: { platforms: ['mercor'], roles: [], taskTypes: [], conditions: ['nda_signed'] },
    });
  });
});

describe('samePublication', () => {
  const base = { attribution: 'performer', tags: { platforms: ['mercor', 'appen'], roles: ['actor'] } };
  it('ignores the order of tags and a missing list against an empty one', () => {
    expect(samePublication(base, { attribution: 'performer', tags: { platforms: ['appen', 'mercor'], roles: ['actor'], conditions: [] } })).toBe(true);
  });
  it('sees a changed attribution, an added or a dropped tag', () => {
    expect(samePublication(base, { ...base, attribution: 'anonymous_contributor' })).toBe(false);
    expect(samePublication(base, { ...base, tags: { ...base.tags, platforms: ['mercor'] } })).toBe(false);
    expect(samePublication(base, { ...base, tags: { ...base.tags, taskTypes: ['annotation'] } })).toBe(false);
  });
});
