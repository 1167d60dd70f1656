// Binary values travel as standard base64 (libsodium base64_variants.ORIGINAL, DESIGN §3).
import { CodedError } from '../errors.js';
import type { Sodium } from './sodium.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(sodium: Sodium, bytes: Uint8Array): string {
  return sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);
}

/** Strict decoding: refuses anything but canonical padded base64, so one value has one spelling. */
export function fromBase64(sodium: Sodium, text: string, what = 'value'): Uint8Array {
  if (!BASE64.test(text)) throw new CodedError('bad_base64', { field: what });
  try {
    return sodium.from_base64(text, sodium.base64_variants.ORIGINAL);
  } catch {
    throw new CodedError('bad_base64', { field: what });
  }
}
