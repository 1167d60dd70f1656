// SHA-256 and HMAC-SHA256 come only with libsodium's sumo build; the server and the
// moderator console use them, the source's submission bundle does not.
import sumo from 'libsodium-wrappers-sumo';

export type SodiumSumo = typeof sumo;

let ready: Promise<SodiumSumo> | undefined;

export function loadSodiumSumo(): Promise<SodiumSumo> {
  ready ??= sumo.ready.then(() => sumo);
  return ready;
}

export function sha256(sodium: SodiumSumo, bytes: Uint8Array | string): Uint8Array {
  return sodium.crypto_hash_sha256(bytes);
}

export function randomSecret(sodium: SodiumSumo, bytes = 32): Uint8Array {
  return sodium.randombytes_buf(bytes);
}

/** The audit chain (DESIGN §4): hash = SHA-256(prev_hash ‖ canonical JSON of the entry). */
export function auditEntryHash(sodium: SodiumSumo, prevHash: Uint8Array, canonicalEntry: string): Uint8Array {
  const entry = new TextEncoder().encode(canonicalEntry);
  const input = new Uint8Array(prevHash.length + entry.length);
  input.set(prevHash);
  input.set(entry, prevHash.length);
  return sodium.crypto_hash_sha256(input);
}

/** The chain starts from 32 zero bytes. */
export const AUDIT_GENESIS_HASH = new Uint8Array(32);
