// The one SHA-256 (and HMAC-SHA256) of the project, for the server and the browser alike:
// @noble/hashes, synchronous and dependency-free. libsodium's SHA-256 needs its sumo build and
// copies each input into its WebAssembly heap; node:crypto does not exist in a browser.
// Nothing here loads libsodium: the source's pages hash with it and must not carry the sumo build.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const asBytes = (input: Uint8Array | string): Uint8Array => (typeof input === 'string' ? utf8ToBytes(input) : input);

/** SHA-256 of bytes, or of a string's UTF-8. */
export function sha256(input: Uint8Array | string): Uint8Array {
  return nobleSha256(asBytes(input));
}

export function hmacSha256(key: Uint8Array, message: Uint8Array | string): Uint8Array {
  return hmac(nobleSha256, key, asBytes(message));
}

/** The audit chain (DESIGN §4): hash = SHA-256(prev_hash ‖ canonical JSON of the entry). */
export function auditEntryHash(prevHash: Uint8Array, canonicalEntry: string): Uint8Array {
  return nobleSha256(concatBytes(prevHash, utf8ToBytes(canonicalEntry)));
}

/** The chain starts from 32 zero bytes. */
export const AUDIT_GENESIS_HASH = new Uint8Array(32);

/** What the server stores instead of the lookup token: SHA-256(lookupToken) (DESIGN §3). */
export function lookupTokenHash(lookupToken: Uint8Array): Uint8Array {
  return nobleSha256(lookupToken);
}

/** What an account, a pending account and a story keep of the receipt's withdrawal tag: SHA-256(tag). */
export function withdrawalTagHash(withdrawalTag: Uint8Array): Uint8Array {
  return nobleSha256(withdrawalTag);
}

// The day's secret, already through HMAC's key schedule: each request clones it and hashes only
// its address, two SHA-256 blocks instead of four.
const keyedRateLimitHmacs = new WeakMap<Uint8Array, ReturnType<typeof hmac.create>>();

/** Keyed hash of a client address for rate limiting: the address itself is never kept (DESIGN §7). */
export function clientRateLimitKey(dailySecret: Uint8Array, clientAddress: string): string {
  let keyed = keyedRateLimitHmacs.get(dailySecret);
  if (!keyed) keyedRateLimitHmacs.set(dailySecret, (keyed = hmac.create(nobleSha256, dailySecret)));
  return bytesToHex(keyed.clone().update(utf8ToBytes(clientAddress)).digest());
}

/**
 * The day's rate-limit secret, derived in memory from the configured one: every instance
 * agrees on it without it ever being stored, and yesterday's keys cannot be linked to today's.
 */
export function dailyRateLimitSecret(configuredSecret: string, day: string): Uint8Array {
  return hmacSha256(utf8ToBytes(configuredSecret), `offscript/rate-limit/v1/${day}`);
}

/** A process's own rate-limit secret for a day, when no secret is configured (one instance). */
export function randomDailySecret(): Uint8Array {
  return randomBytes(32);
}

/** What a login challenge records of the handle it was issued for: never the text typed (issue 13). */
export function loginHandleHash(secret: Uint8Array, handle: string): Uint8Array {
  return hmacSha256(secret, `offscript/login-handle/v1:${handle}`);
}
