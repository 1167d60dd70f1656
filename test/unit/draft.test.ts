// A moderator's kept draft: sealed to their own box key, opened only by it and only for what it belongs to.
import { describe, expect, it } from 'vitest';
import { openDraft, sealDraft } from '../../common/protocol/draft.js';
import { loadSodium } from '../../common/protocol/sodium.js';

const sodium = await loadSodium();
const owner = sodium.crypto_box_keypair();
const draft = { subject: 'submission:a1', fields: { 'story-title': 'All night', 'facet-platform-outlier': true }, dismissed: ['email\u0000ray@example.com'] };

describe('a kept draft', () => {
  it('opens to what was sealed, with the owner’s key', () => {
    const sealed = sealDraft(sodium, draft, owner.publicKey);
    expect(new TextDecoder().decode(sealed)).not.toContain('All night');
    expect(openDraft(sodium, sealed, owner, 'submission:a1')).toEqual({ v: 1, ...draft });
  });

  it('is refused for another submission, and with another key', () => {
    const sealed = sealDraft(sodium, draft, owner.publicKey);
    expect(() => openDraft(sodium, sealed, owner, 'submission:b2')).toThrow(expect.objectContaining({ code: 'bad_version' }));
    expect(() => openDraft(sodium, sealed, sodium.crypto_box_keypair(), 'submission:a1')).toThrow(expect.objectContaining({ code: 'cannot_open' }));
  });
});
