// What a story publishes besides its text: the one computation the release and the console share.
import { describe, expect, it } from 'vitest';
import type { FacetTallies } from '../../server/publishing/statistics.js';
import { samePublication, storyPublication, withCandidate } from '../../server/publishing/story-publication.js';

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

  it('counts a draft’s own account once it is accepted (withCandidate): ten others and this one make K_MIN', () => {
    const before = tallies({ writer: 10 }, { mercor: 10 }, { nda_signed: 10, paid_all_time: 10 });
    const counted = withCandidate(before, account);
    expect(counted.accounts).toBe(11);
    expect(counted.roles.get('writer')).toBe(11);
    expect(counted.platforms.get('appen')).toBe(1);
    expect(counted.conditionsYes.get('nda_signed')).toBe(11);
    // Only "yes" answers become tags, so only they are counted here.
    expect(counted.conditionsYes.get('paid_all_time')).toBe(10);
    expect(before.roles.get('writer')).toBe(10);
    expect(storyPublication(account, 'hollywood_writer', counted, K_MIN).attribution).toBe('hollywood_writer');
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
