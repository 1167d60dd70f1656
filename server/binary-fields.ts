// Base64 fields in request bodies: decoded strictly, refused with a 400 that names the field.
import { CodedError } from '../common/errors.js';

/**
 * Canonical padded base64 only, so one value has one spelling (as protocol/encoding.ts's
 * fromBase64 demands). Node's native decoder skips what it does not understand, so the bytes
 * are encoded again and must give back exactly what was sent: cheaper than a regular
 * expression and a WebAssembly round trip on every submission.
 */
export function decodeField(value: string, field: string, expectedLength?: number): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw new CodedError('bad_base64', { field });
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new CodedError('bad_length', { field, expected: expectedLength, actual: bytes.length });
  }
  return bytes;
}
