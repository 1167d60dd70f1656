// Base64 fields in request bodies: decoded strictly, refused with a 400 that names the field.
import { CodedError } from '../common/errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Map([...ALPHABET].map((letter, value) => [letter.charCodeAt(0), value]));
const PAD = '='.charCodeAt(0);

/**
 * Whether `text` is canonical padded base64 (one spelling per value, as protocol/encoding.ts's
 * fromBase64 demands), given how many bytes Node's decoder made of it. That decoder skips what it
 * does not understand and stops at padding, so any stray character leaves fewer bytes than the
 * length promises; it also reads base64url's two letters, and ignores the bits after the last
 * byte, which must be zero. Cheaper than encoding a 90 KB envelope again to compare.
 */
function isCanonicalBase64(text: string, decodedLength: number): boolean {
  const length = text.length;
  if (length % 4 !== 0) return false;
  const padding = length === 0 || text.charCodeAt(length - 1) !== PAD ? 0 : text.charCodeAt(length - 2) === PAD ? 2 : 1;
  if (decodedLength !== (length / 4) * 3 - padding) return false;
  if (text.includes('-') || text.includes('_')) return false;
  if (padding === 0) return true;
  const last = SEXTET.get(text.charCodeAt(length - padding - 1));
  return last !== undefined && (last & (padding === 2 ? 0b1111 : 0b11)) === 0;
}

/** A base64 field's bytes; a 400 naming `field` unless it is canonical padded base64 (of `expectedLength` bytes). */
export function decodeField(value: string, field: string, expectedLength?: number): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  if (!isCanonicalBase64(value, bytes.length)) throw new CodedError('bad_base64', { field });
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new CodedError('bad_length', { field, expected: expectedLength, actual: bytes.length });
  }
  return bytes;
}
