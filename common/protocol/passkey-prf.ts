// Keys bound to a passkey (WebAuthn PRF extension; docs/protocol-passkeys.md). A PRF-bound
// moderator's key seed is 32 random bytes drawn at enrolment; each passkey stores it wrapped as
// seed XOR kek, kek = BLAKE2b-256("offscript/passkey-prf/v1" ‖ Argon2id(passphrase) ‖ PRF(prfSalt)).
// The stored public keys and wrapped seeds then test no passphrase without the authenticator.
import { concatBytes } from '@noble/hashes/utils.js';
import type { SodiumSumo } from './sodium-sumo.js';

export const PRF_SALT_BYTES = 32;
export const PRF_OUTPUT_BYTES = 32;
export const SEED_BYTES = 32;
const KEK_CONTEXT = 'offscript/passkey-prf/v1';

/** The key that wraps the seed for one passkey: both the passphrase's Argon2id output and that passkey's PRF output. */
export function passkeyWrappingKey(sodium: SodiumSumo, passphraseSeed: Uint8Array, prfOutput: Uint8Array): Uint8Array {
  if (passphraseSeed.length !== SEED_BYTES || prfOutput.length !== PRF_OUTPUT_BYTES) throw new RangeError('Argon2id and PRF outputs are 32 bytes each');
  const context = new TextEncoder().encode(KEK_CONTEXT);
  return sodium.crypto_generichash(32, concatBytes(context, passphraseSeed, prfOutput), null);
}

/**
 * XOR with a key used for one passkey only: a one-time pad. No authentication on purpose: a
 * wrong passphrase gives other keys, whose signature the server refuses and counts (login-limits).
 */
export function wrapSeed(seed: Uint8Array, wrappingKey: Uint8Array): Uint8Array {
  if (seed.length !== SEED_BYTES || wrappingKey.length !== SEED_BYTES) throw new RangeError('a seed and its wrapping key are 32 bytes each');
  return seed.map((byte, i) => byte ^ wrappingKey[i]!);
}

export const unwrapSeed = wrapSeed;
