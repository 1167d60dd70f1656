// A page cursor the reader carries back, MACed so that it cannot be forged or edited
// (a reader cannot walk the index from arbitrary positions).
import { hmacSha256 } from './digest.js';
import { type SodiumSumo } from './sodium-sumo.js';

const MAC_BYTES = 16;

/** `payload.mac`, both base64url: the payload is the JSON text, readable but not alterable. */
export function signCursor(sodium: SodiumSumo, key: Uint8Array, json: string): string {
  const payload = sodium.to_base64(json, sodium.base64_variants.URLSAFE_NO_PADDING);
  const mac = sodium.to_base64(hmacSha256(key, payload).subarray(0, MAC_BYTES), sodium.base64_variants.URLSAFE_NO_PADDING);
  return `${payload}.${mac}`;
}

/** The JSON text a cursor carries, or undefined when it is malformed or was altered. */
export function openSignedCursor(sodium: SodiumSumo, key: Uint8Array, cursor: string): string | undefined {
  const parts = cursor.split('.');
  if (parts.length !== 2) return undefined;
  const [payload, mac] = parts as [string, string];
  try {
    const expected = hmacSha256(key, payload).subarray(0, MAC_BYTES);
    const given = sodium.from_base64(mac, sodium.base64_variants.URLSAFE_NO_PADDING);
    if (given.length !== MAC_BYTES || !sodium.memcmp(expected, given)) return undefined;
    return sodium.to_string(sodium.from_base64(payload, sodium.base64_variants.URLSAFE_NO_PADDING));
  } catch {
    return undefined;
  }
}
