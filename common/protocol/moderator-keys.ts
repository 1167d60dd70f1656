// Moderators' keys, derived in their browser from a passphrase (DESIGN §3 Moderators).
// Argon2id comes only with libsodium's sumo build.
import { concatBytes } from '@noble/hashes/utils.js';
import type { BoxKeyPair } from './envelope.js';
import type { SodiumSumo } from './sodium-sumo.js';

export const MODERATOR_SALT_BYTES = 16;
export const LOGIN_CHALLENGE_BYTES = 32;
const LOGIN_CONTEXT = 'offscript/login/v1';

export interface SignKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export interface ModeratorKeys {
  signKeyPair: SignKeyPair;
  boxKeyPair: BoxKeyPair;
}

/** Argon2id MODERATE over the passphrase: the seed itself without PRF, half of the wrapping key with it. */
export function passphraseSeed(sodium: SodiumSumo, passphrase: string, salt: Uint8Array): Uint8Array {
  return sodium.crypto_pwhash(32, passphrase, salt, sodium.crypto_pwhash_OPSLIMIT_MODERATE, sodium.crypto_pwhash_MEMLIMIT_MODERATE, sodium.crypto_pwhash_ALG_ARGON2ID13);
}

/** The two key pairs of a 32-byte seed (DESIGN §3): kdf(seed, 1, "modsign_") and kdf(seed, 2, "modbox__"). */
export function moderatorKeysFromSeed(sodium: SodiumSumo, seed: Uint8Array): ModeratorKeys {
  const signSeed = sodium.crypto_kdf_derive_from_key(32, 1, 'modsign_', seed);
  const boxSeed = sodium.crypto_kdf_derive_from_key(32, 2, 'modbox__', seed);
  const sign = sodium.crypto_sign_seed_keypair(signSeed);
  const box = sodium.crypto_box_seed_keypair(boxSeed);
  for (const secret of [signSeed, boxSeed]) sodium.memzero(secret);
  return {
    signKeyPair: { publicKey: sign.publicKey, privateKey: sign.privateKey },
    boxKeyPair: { publicKey: box.publicKey, privateKey: box.privateKey },
  };
}

/** Keys that rest on the passphrase alone: a moderator without PRF, or one enrolled before passkeys. */
export function deriveModeratorKeys(sodium: SodiumSumo, passphrase: string, salt: Uint8Array): ModeratorKeys {
  const seed = passphraseSeed(sodium, passphrase, salt);
  const keys = moderatorKeysFromSeed(sodium, seed);
  sodium.memzero(seed);
  return keys;
}

/** What a moderator signs to log in: context ‖ challenge ‖ origin, so a signature is good once, here. */
export function loginMessage(challenge: Uint8Array, origin: string): Uint8Array {
  const context = new TextEncoder().encode(LOGIN_CONTEXT);
  return concatBytes(context, challenge, new TextEncoder().encode(origin));
}

export function signLogin(sodium: SodiumSumo, challenge: Uint8Array, origin: string, signSecretKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(loginMessage(challenge, origin), signSecretKey);
}

export function verifyLogin(sodium: SodiumSumo, signature: Uint8Array, challenge: Uint8Array, origin: string, signPublicKey: Uint8Array): boolean {
  if (signature.length !== sodium.crypto_sign_BYTES || signPublicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES) return false;
  return sodium.crypto_sign_verify_detached(signature, loginMessage(challenge, origin), signPublicKey);
}

/** A stable salt for a handle that does not exist, so that handles cannot be enumerated. */
export function decoySalt(sodium: SodiumSumo, serverSecret: Uint8Array, handle: string): Uint8Array {
  return sodium.crypto_generichash(MODERATOR_SALT_BYTES, `offscript/decoy-salt/v1:${handle}`, serverSecret);
}

/** The intake secret key, sealed to one moderator's box key (only ever done in a browser). */
export function wrapIntakeSecretKey(sodium: SodiumSumo, intakeSecretKey: Uint8Array, moderatorBoxPublicKey: Uint8Array): Uint8Array {
  return sodium.crypto_box_seal(intakeSecretKey, moderatorBoxPublicKey);
}

/** Unwraps a grant and returns the whole intake key pair (the public half is recomputed). */
export function unwrapIntakeKeyPair(sodium: SodiumSumo, wrapped: Uint8Array, moderatorBoxKeyPair: BoxKeyPair): BoxKeyPair {
  const privateKey = sodium.crypto_box_seal_open(wrapped, moderatorBoxKeyPair.publicKey, moderatorBoxKeyPair.privateKey);
  return { publicKey: sodium.crypto_scalarmult_base(privateKey), privateKey };
}

/** Random bytes for challenges, session ids, invitation tokens and salts. */
export function randomBytes(sodium: SodiumSumo, length: number): Uint8Array {
  return sodium.randombytes_buf(length);
}

/** A suggested passphrase holds at least this much entropy (DESIGN §3 Passphrases). */
export const SUGGESTED_PASSPHRASE_BITS = 80;
export const SUGGESTED_PASSPHRASE_MIN_WORDS = 7;

/** Words drawn uniformly from `wordlist`, as many as 80 bits need and never fewer than seven (BIP-39's 2048: eight, 88 bits). */
export function generatePassphrase(sodium: SodiumSumo, wordlist: readonly string[]): string {
  const distinct = new Set(wordlist).size;
  if (distinct !== wordlist.length || distinct < 2) throw new Error('a passphrase word list needs distinct words');
  const words = Math.max(SUGGESTED_PASSPHRASE_MIN_WORDS, Math.ceil(SUGGESTED_PASSPHRASE_BITS / Math.log2(distinct)));
  return Array.from({ length: words }, () => wordlist[sodium.randombytes_uniform(wordlist.length)]!).join(' ');
}
