// Passkey-bound moderator keys (v1): the known-answer vector, and that the passphrase alone
// derives keys other than the stored ones.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { deriveModeratorKeys, moderatorKeysFromSeed, passphraseSeed } from '../../common/protocol/moderator-keys.js';
import { passkeyWrappingKey, unwrapSeed, wrapSeed } from '../../common/protocol/passkey-prf.js';

const sodium = await loadSodiumSumo();
const vector = JSON.parse(readFileSync(new URL('../vectors/passkey-prf-v1.json', import.meta.url), 'utf8')) as Record<string, string>;
const hex = (name: string) => sodium.from_hex(vector[name]!);

describe('passkey-bound keys (v1)', () => {
  it('matches the known-answer vector: Argon2id, wrapping key, wrapped seed, public keys', () => {
    const argon = passphraseSeed(sodium, vector.passphrase!, hex('salt'));
    expect(sodium.to_hex(argon)).toBe(vector.argon2id);
    const kek = passkeyWrappingKey(sodium, argon, hex('prfOutput'));
    expect(sodium.to_hex(kek)).toBe(vector.wrappingKey);
    expect(sodium.to_hex(wrapSeed(hex('seed'), kek))).toBe(vector.wrappedSeed);
    const keys = moderatorKeysFromSeed(sodium, unwrapSeed(hex('wrappedSeed'), kek));
    expect(sodium.to_hex(keys.signKeyPair.publicKey)).toBe(vector.signPublicKey);
    expect(sodium.to_hex(keys.boxKeyPair.publicKey)).toBe(vector.boxPublicKey);
  });

  it('without the PRF output, the passphrase derives keys that do not match the stored ones', () => {
    const passphraseOnly = deriveModeratorKeys(sodium, vector.passphrase!, hex('salt'));
    expect(sodium.to_hex(passphraseOnly.signKeyPair.publicKey)).toBe(vector.passphraseOnlySignPublicKey);
    expect(sodium.to_hex(passphraseOnly.signKeyPair.publicKey)).not.toBe(vector.signPublicKey);
    // Another authenticator's PRF output (or none, as zeros) unwraps to another seed too.
    const otherKek = passkeyWrappingKey(sodium, hex('argon2id'), new Uint8Array(32));
    expect(sodium.to_hex(moderatorKeysFromSeed(sodium, unwrapSeed(hex('wrappedSeed'), otherKek)).signKeyPair.publicKey)).not.toBe(vector.signPublicKey);
  });

  it('refuses inputs of the wrong length', () => {
    expect(() => passkeyWrappingKey(sodium, new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => wrapSeed(new Uint8Array(32), new Uint8Array(16))).toThrow(RangeError);
  });
});
