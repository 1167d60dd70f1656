import type { Sodium } from './sodium.js';

/** First 16 bytes of BLAKE2b-256 of a public key, hex in groups of 4 (DESIGN §3). */
export function keyFingerprint(sodium: Sodium, publicKey: Uint8Array): string {
  const digest = sodium.crypto_generichash(32, publicKey, null);
  return sodium.to_hex(digest.subarray(0, 16)).match(/.{4}/g)!.join(' ');
}
