// The project's one SHA-256 / HMAC-SHA256, and what is built on it: opaque tokens and signed
// page cursors. Checked against node:crypto, an independent implementation.
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditEntryHash, clientRateLimitKey, dailyRateLimitSecret, hmacSha256, loginHandleHash, sha256 } from '../../common/protocol/digest.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { invitationTokenHash, newOpaqueToken, sessionIdHash } from '../../common/protocol/opaque-tokens.js';
import { openSignedCursor, signCursor } from '../../common/protocol/signed-cursor.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('digest', () => {
  it('SHA-256 and HMAC-SHA256 agree with node:crypto on bytes and on UTF-8 strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.uint8Array({ minLength: 1, maxLength: 100 }), (bytes, text, key) => {
        expect(hex(sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(hex(sha256(text))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
        expect(hex(hmacSha256(key, text))).toBe(createHmac('sha256', key).update(text, 'utf8').digest('hex'));
        expect(clientRateLimitKey(key, text)).toBe(createHmac('sha256', key).update(text, 'utf8').digest('hex'));
        expect(hex(dailyRateLimitSecret(text, '2026-12-01'))).toBe(createHmac('sha256', text).update('offscript/rate-limit/v1/2026-12-01').digest('hex'));
        expect(hex(loginHandleHash(key, text))).toBe(createHmac('sha256', key).update(`offscript/login-handle/v1:${text}`, 'utf8').digest('hex'));
      }),
    );
  });

  it("a rate-limit key computed from the day's prepared secret does not depend on the keys before it", () => {
    const secret = dailyRateLimitSecret('configured', '2026-12-07');
    const expected = (address: string) => createHmac('sha256', secret).update(address, 'utf8').digest('hex');
    for (const address of ['192.0.2.1', '2001:db8::/64', 'onion:7', '192.0.2.1']) expect(clientRateLimitKey(secret, address)).toBe(expected(address));
  });

  it('chains audit entries as SHA-256(prev ‖ entry)', () => {
    const prev = new Uint8Array(32).fill(7);
    expect(hex(auditEntryHash(prev, '{"a":"é"}'))).toBe(createHash('sha256').update(prev).update('{"a":"é"}', 'utf8').digest('hex'));
  });
});

describe('opaque tokens', () => {
  it('are 32 random bytes in base64url, hashed apart for sessions and invitations', async () => {
    const sodium = await loadSodiumSumo();
    const token = newOpaqueToken(sodium);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newOpaqueToken(sodium)).not.toBe(token);
    expect(hex(sessionIdHash(token))).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hex(invitationTokenHash(token))).not.toBe(hex(sessionIdHash(token)));
  });
});

describe('signed cursors', () => {
  it('open to what was signed, and to nothing once altered or under another key', async () => {
    const sodium = await loadSodiumSumo();
    const key = sodium.randombytes_buf(32);
    const json = JSON.stringify({ batch: 3, position: 17, id: 'abc' });
    const cursor = signCursor(sodium, key, json);
    expect(openSignedCursor(sodium, key, cursor)).toBe(json);
    expect(openSignedCursor(sodium, sodium.randombytes_buf(32), cursor)).toBeUndefined();
    const [payload, mac] = cursor.split('.') as [string, string];
    const forged = sodium.to_base64(JSON.stringify({ batch: 0, position: 0, id: 'abc' }), sodium.base64_variants.URLSAFE_NO_PADDING);
    for (const bad of [`${forged}.${mac}`, `${payload}.${mac.slice(1)}`, `${payload}.${mac}.x`, payload, `${payload}.`, `${payload}.!!`]) {
      expect(openSignedCursor(sodium, key, bad), bad).toBeUndefined();
    }
  });
});
