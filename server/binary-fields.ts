// Base64 fields in request bodies: decoded strictly, refused with a 400 that names the field.
import { ServiceError } from './errors.js';
import { fromBase64 } from './protocol/encoding.js';
import { ProtocolError } from './protocol/errors.js';
import type { Sodium } from './protocol/sodium.js';

export function decodeField(sodium: Sodium, value: string, field: string, expectedLength?: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(sodium, value, field);
  } catch (error) {
    if (error instanceof ProtocolError) throw new ServiceError(400, 'bad_base64', error.message);
    throw error;
  }
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new ServiceError(400, 'bad_length', `${field} must be ${expectedLength} bytes, got ${bytes.length}.`);
  }
  return bytes;
}
