// What a browser's encoder adds to a re-encoded picture beyond its pixels: Chromium's JPEG carries
// its own ICC colour profile (APP2), which tells moderators which browser family made it (issue 23).
// These keep only what decoding needs: JPEG without APP1–APP15 and comment segments (APP0, the
// JFIF header, stays); PNG with its critical chunks and transparency only.
import { concatBytes } from '../bytes.js';

const JPEG_SOI = [0xff, 0xd8];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** A JPEG without its APPn (n ≥ 1) and COM segments; bytes that are not a well-formed JPEG header come back unchanged. */
export function jpegWithoutMarks(bytes: Uint8Array): Uint8Array {
  if (!startsWith(bytes, JPEG_SOI)) return bytes;
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    // Start of scan: the entropy-coded picture and everything after it stay as they are.
    if (marker === 0xda) break;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return bytes;
    const mark = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe;
    if (!mark) kept.push(bytes.subarray(at, end));
    at = end;
  }
  kept.push(bytes.subarray(at));
  return concatBytes(kept);
}

// Critical chunks (an upper-case first letter) and transparency: all a PNG needs to show the same pixels.
const PNG_KEPT_ANCILLARY = new Set(['tRNS']);

/** A PNG with its critical chunks and tRNS only: no colour profile, gamma, text, time or EXIF chunk. */
export function pngWithoutMarks(bytes: Uint8Array): Uint8Array {
  if (!startsWith(bytes, PNG_SIGNATURE)) return bytes;
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) return bytes;
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const critical = type[0]! >= 'A' && type[0]! <= 'Z';
    if (critical || PNG_KEPT_ANCILLARY.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
  }
  return concatBytes(kept);
}

/** The re-encoded picture without the encoder's marks, for the types the browser writes. */
export function withoutEncoderMarks(bytes: Uint8Array, type: string): Uint8Array {
  if (type === 'image/jpeg') return jpegWithoutMarks(bytes);
  if (type === 'image/png') return pngWithoutMarks(bytes);
  return bytes;
}
