// Messages from sources are sealed to the intake key current when they write: the console
// opens them with whichever key of its ring fits.
import { describe, expect, it } from 'vitest';
import { openMessageWithAnyKey, sealMessage } from '../../common/protocol/envelope.js';
import { CodedError } from '../../common/errors.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { loadSodium } from '../../common/protocol/sodium.js';

const sodium = await loadSodium();

describe('openMessageWithAnyKey', () => {
  const retired = generateIntakeKeyPair(sodium);
  const current = generateIntakeKeyPair(sodium);

  it('opens a message sealed to a newer key than the account’s, whatever the order of the ring', () => {
    const sealed = sealMessage(sodium, 'Sent after the rotation.', current.publicKey);
    expect(openMessageWithAnyKey(sodium, sealed, [retired, current]).body).toBe('Sent after the rotation.');
    expect(openMessageWithAnyKey(sodium, sealed, [current, retired]).body).toBe('Sent after the rotation.');
  });

  it('refuses with cannot_open when no key of the ring fits', () => {
    const sealed = sealMessage(sodium, 'For someone else.', generateIntakeKeyPair(sodium).publicKey);
    expect(() => openMessageWithAnyKey(sodium, sealed, [retired, current])).toThrow(CodedError);
    expect(() => openMessageWithAnyKey(sodium, sealed, [])).toThrow(/^cannot_open$/);
  });

  it('does not hide a malformed message behind "no key fits"', () => {
    // Opens with the right key, but the padded content is not a bucket: a different refusal.
    const broken = sodium.crypto_box_seal(new Uint8Array(100), current.publicKey);
    expect(() => openMessageWithAnyKey(sodium, broken, [retired, current])).toThrow(expect.objectContaining({ code: 'bad_padding' }));
  });
});
