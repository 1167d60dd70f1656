// Padding hides an account's length up to its bucket (DESIGN §3).
import { CodedError } from '../errors.js';
import type { Sodium } from './sodium.js';

export const PADDING_BUCKETS = [4096, 8192, 16384, 32768, 65536] as const;
export type PaddingBucket = (typeof PADDING_BUCKETS)[number];

/** crypto_box_SEALBYTES: the ephemeral public key plus the MAC. */
export const SEAL_OVERHEAD = 48;

/** ISO/IEC 7816-4 padding adds at least one byte, so the largest payload is one byte short of the bucket. */
export const LARGEST_PAYLOAD = PADDING_BUCKETS[PADDING_BUCKETS.length - 1]! - 1;

export function bucketFor(length: number): PaddingBucket {
  const bucket = PADDING_BUCKETS.find((b) => length < b);
  if (bucket === undefined) {
    throw new CodedError('too_large', { maxBytes: LARGEST_PAYLOAD });
  }
  return bucket;
}

export function padToBucket(sodium: Sodium, payload: Uint8Array): Uint8Array {
  return sodium.pad(payload, bucketFor(payload.length));
}

export function unpadFromBucket(sodium: Sodium, padded: Uint8Array): Uint8Array {
  if (!(PADDING_BUCKETS as readonly number[]).includes(padded.length)) {
    throw new CodedError('bad_padding');
  }
  try {
    return sodium.unpad(padded, padded.length);
  } catch {
    throw new CodedError('bad_padding');
  }
}

/** The padding bucket a sealed ciphertext of this length holds, or undefined if it holds none. */
export function bucketOfSealedLength(length: number): PaddingBucket | undefined {
  return PADDING_BUCKETS.find((b) => b + SEAL_OVERHEAD === length);
}
