// Fingerprint pinning (DESIGN §3 Moderators): an administrator who has compared a moderator's
// fingerprint out of band signs what they compared. Browsers seal intake keys only to keys that
// carry such a signature from an administrator they trust, so a server (or database) that
// swaps a moderator's public keys receives nothing at the next rotation or grant.
import { concatBytes } from '@noble/hashes/utils.js';
import type { SodiumSumo } from './sodium-sumo.js';
import type { Sodium } from './sodium.js';

const VERIFICATION_CONTEXT = 'offscript/key-verification/v1';

/** A moderator's two public keys, the pair a fingerprint and a verification cover together. */
export interface ModeratorPublicKeys {
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

function moderatorKeyBytes(keys: ModeratorPublicKeys): Uint8Array {
  return concatBytes(keys.boxPublicKey, keys.signPublicKey);
}

/**
 * What two people compare out of band: first 16 bytes of BLAKE2b-256 over the box key then the
 * signing key, hex in groups of 4. Both keys, because a verified signing key is trusted to vouch.
 */
export function moderatorKeyFingerprint(sodium: Sodium, keys: ModeratorPublicKeys): string {
  const digest = sodium.crypto_generichash(32, moderatorKeyBytes(keys), null);
  return sodium.to_hex(digest.subarray(0, 16)).match(/.{4}/g)!.join(' ');
}

/** The signed statement: context ‖ "\n" ‖ subject id ‖ "\n" ‖ box public key ‖ sign public key. */
export function verificationMessage(subjectId: string, keys: ModeratorPublicKeys): Uint8Array {
  const prefix = new TextEncoder().encode(`${VERIFICATION_CONTEXT}\n${subjectId}\n`);
  return concatBytes(prefix, moderatorKeyBytes(keys));
}

export function signVerification(sodium: SodiumSumo, subjectId: string, keys: ModeratorPublicKeys, verifierSignSecretKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(verificationMessage(subjectId, keys), verifierSignSecretKey);
}

export function verificationIsValid(sodium: SodiumSumo, signature: Uint8Array, subjectId: string, keys: ModeratorPublicKeys, verifierSignPublicKey: Uint8Array): boolean {
  if (signature.length !== sodium.crypto_sign_BYTES || verifierSignPublicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES) return false;
  return sodium.crypto_sign_verify_detached(signature, verificationMessage(subjectId, keys), verifierSignPublicKey);
}

export interface TeamKeys {
  id: string;
  handle: string;
  administrator: boolean;
  keys: ModeratorPublicKeys | null;
}

export interface VerificationRecord {
  verifierId: string;
  subjectId: string;
  signature: Uint8Array;
}

/**
 * Which members' keys this browser may seal to: its own (it derived them), those an
 * administrator it trusts signed for, and, transitively, those trusted administrators vouched
 * for. Answers each trusted member's id with who vouched ('self' or the verifier's id).
 */
export function trustedMembers(
  sodium: SodiumSumo,
  self: { id: string; keys: ModeratorPublicKeys },
  members: readonly TeamKeys[],
  records: readonly VerificationRecord[],
): Map<string, string> {
  const byId = new Map(members.map((m) => [m.id, m]));
  const trusted = new Map<string, string>();
  const listedSelf = byId.get(self.id);
  // Our own row counts only if the server lists the very keys this browser derived.
  if (!listedSelf?.keys || !sameKeys(sodium, listedSelf.keys, self.keys)) return trusted;
  trusted.set(self.id, 'self');
  let grew = true;
  while (grew) {
    grew = false;
    for (const record of records) {
      if (trusted.has(record.subjectId) || !trusted.has(record.verifierId)) continue;
      const verifier = byId.get(record.verifierId);
      const subject = byId.get(record.subjectId);
      if (!verifier?.administrator || !verifier.keys || !subject?.keys) continue;
      if (!verificationIsValid(sodium, record.signature, subject.id, subject.keys, verifier.keys.signPublicKey)) continue;
      trusted.set(subject.id, verifier.id);
      grew = true;
    }
  }
  return trusted;
}

function sameKeys(sodium: SodiumSumo, a: ModeratorPublicKeys, b: ModeratorPublicKeys): boolean {
  return sodium.memcmp(a.boxPublicKey, b.boxPublicKey) && sodium.memcmp(a.signPublicKey, b.signPublicKey);
}
