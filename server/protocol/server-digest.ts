// The hashes only the server computes, on every submission, lookup or rate-limited request:
// through node:crypto (native) rather than libsodium's WebAssembly, which copies each input in
// and out of its heap. Same algorithms as digest.ts; that module serves the browser as well.
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** What the server stores instead of the lookup token: SHA-256(lookupToken) (DESIGN §3). */
export function lookupTokenHash(lookupToken: Uint8Array): Uint8Array {
  return createHash('sha256').update(lookupToken).digest();
}

/** Keyed hash of a client address for rate limiting: the address itself is never kept (DESIGN §7). */
export function clientRateLimitKey(dailySecret: Uint8Array, clientAddress: string): string {
  return createHmac('sha256', dailySecret).update(clientAddress).digest('hex');
}

/** What a login challenge records of the handle it was issued for: never the text typed (issue 13). */
export function loginHandleHash(secret: Uint8Array, handle: string): Uint8Array {
  return createHmac('sha256', secret).update(`offscript/login-handle/v1:${handle}`).digest();
}

/**
 * The day's rate-limit secret, derived in memory from the configured one: every instance
 * agrees on it without it ever being stored, and yesterday's keys cannot be linked to today's.
 */
export function dailyRateLimitSecret(configuredSecret: string, day: string): Uint8Array {
  return createHmac('sha256', configuredSecret).update(`offscript/rate-limit/v1/${day}`).digest();
}

/** A process's own rate-limit secret for a day, when no secret is configured (one instance). */
export function randomDailySecret(): Uint8Array {
  return randomBytes(32);
}
