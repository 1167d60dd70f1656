// Fingerprint pinning (issue 13, item 1): the signed format against a known-answer vector, and
// which members a browser trusts when the server tampers with keys or records.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import {
  moderatorKeyFingerprint,
  signVerification,
  trustedMembers,
  verificationIsValid,
  verificationMessage,
  type ModeratorPublicKeys,
  type TeamKeys,
  type VerificationRecord,
} from '../../common/protocol/key-verification.js';
import type { Sodium } from '../../common/protocol/sodium.js';

const sodium = await loadSodiumSumo();
const s = sodium as unknown as Sodium;
const vector = JSON.parse(readFileSync(new URL('../vectors/key-verification-v1.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('the verification format (v1)', () => {
  const keys: ModeratorPublicKeys = { boxPublicKey: sodium.from_hex(vector.subjectBoxPublicKey!), signPublicKey: sodium.from_hex(vector.subjectSignPublicKey!) };

  it('matches the known-answer vector: message, signature and fingerprint', () => {
    const verifier = sodium.crypto_sign_seed_keypair(sodium.from_hex(vector.verifierSignSeed!));
    expect(sodium.to_hex(verifier.publicKey)).toBe(vector.verifierSignPublicKey);
    expect(sodium.to_hex(verificationMessage(vector.subjectId!, keys))).toBe(vector.message);
    expect(sodium.to_hex(signVerification(sodium, vector.subjectId!, keys, verifier.privateKey))).toBe(vector.signature);
    expect(moderatorKeyFingerprint(s, keys)).toBe(vector.fingerprint);
    expect(verificationIsValid(sodium, sodium.from_hex(vector.signature!), vector.subjectId!, keys, verifier.publicKey)).toBe(true);
  });

  it('fails for another subject, another box key, another signing key or a bad length', () => {
    const verifier = sodium.from_hex(vector.verifierSignPublicKey!);
    const signature = sodium.from_hex(vector.signature!);
    const other = sodium.crypto_box_keypair().publicKey;
    expect(verificationIsValid(sodium, signature, '00000000-0000-4000-8000-000000000000', keys, verifier)).toBe(false);
    expect(verificationIsValid(sodium, signature, vector.subjectId!, { ...keys, boxPublicKey: other }, verifier)).toBe(false);
    expect(verificationIsValid(sodium, signature, vector.subjectId!, { ...keys, signPublicKey: other }, verifier)).toBe(false);
    expect(verificationIsValid(sodium, signature.subarray(1), vector.subjectId!, keys, verifier)).toBe(false);
  });
});

describe('trustedMembers', () => {
  const person = (id: string, administrator: boolean) => {
    const sign = sodium.crypto_sign_keypair();
    const keys = { boxPublicKey: sodium.crypto_box_keypair().publicKey, signPublicKey: sign.publicKey };
    return { member: { id, handle: id, administrator, keys } satisfies TeamKeys, signSecret: sign.privateKey };
  };
  const vouch = (by: ReturnType<typeof person>, subject: TeamKeys): VerificationRecord => ({
    verifierId: by.member.id,
    subjectId: subject.id,
    signature: signVerification(sodium, subject.id, subject.keys!, by.signSecret),
  });
  const alice = person('alice', true);
  const bob = person('bob', true);
  const carol = person('carol', false);
  const dave = person('dave', false);
  const self = { id: 'alice', keys: alice.member.keys };

  it('trusts itself, whom it verified, and whom a verified administrator verified', () => {
    const members = [alice.member, bob.member, carol.member, dave.member];
    const trusted = trustedMembers(sodium, self, members, [vouch(bob, carol.member), vouch(alice, bob.member)]);
    expect(Object.fromEntries(trusted)).toEqual({ alice: 'self', bob: 'alice', carol: 'bob' });
  });

  it('does not trust a key the server swapped after verification, nor what its holder vouched for', () => {
    const records = [vouch(alice, bob.member), vouch(bob, carol.member)];
    const swapped = { ...bob.member, keys: { ...bob.member.keys, boxPublicKey: sodium.crypto_box_keypair().publicKey } };
    const trusted = trustedMembers(sodium, self, [alice.member, swapped, carol.member], records);
    expect([...trusted.keys()]).toEqual(['alice']);
  });

  it('ignores a non-administrator’s vouching and records signed by keys the server made up', () => {
    const mallory = person('mallory', true);
    const records = [vouch(alice, carol.member), vouch(carol, dave.member), vouch(mallory, dave.member), { ...vouch(mallory, carol.member), verifierId: 'alice' }];
    const trusted = trustedMembers(sodium, self, [alice.member, carol.member, dave.member, mallory.member], records);
    expect(Object.fromEntries(trusted)).toEqual({ alice: 'self', carol: 'alice' });
  });

  it('trusts nobody when the server lists other keys for this browser’s own moderator', () => {
    const impostor = { ...alice.member, keys: bob.member.keys };
    expect(trustedMembers(sodium, self, [impostor, bob.member], [vouch(alice, bob.member)]).size).toBe(0);
  });
});
