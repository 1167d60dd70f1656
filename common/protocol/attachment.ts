// Evidence attachments, protocol version 1 (docs/attachments.md): each file is padded to a size
// bucket and sealed with crypto_secretstream_xchacha20poly1305 under a fresh key, in fixed
// 64 KiB plaintext chunks; the keys and digests travel in the account envelope as a manifest.
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from './digest.js';
import { fromBase64, toBase64 } from './encoding.js';
import { CodedError, type ErrorDetailsByCode } from '../errors.js';
import type { Sodium } from './sodium.js';

/** Plaintext bytes per secretstream message; every bucket is a whole number of them. */
export const ATTACHMENT_CHUNK_BYTES = 65536;
/** crypto_secretstream_xchacha20poly1305_ABYTES: one tag byte and a 16-byte MAC per message. */
export const ATTACHMENT_CHUNK_OVERHEAD = 17;
/** What one uploaded chunk weighs: within the 128 KiB body limit with room to spare. */
export const SEALED_CHUNK_BYTES = ATTACHMENT_CHUNK_BYTES + ATTACHMENT_CHUNK_OVERHEAD;

const KiB = 1024;
const MiB = 1024 * KiB;
export const LARGEST_ATTACHMENT_BUCKET = 16 * MiB;
/**
 * Padded sizes. Each step is at most a third larger than the one before it above 1 MiB, so
 * padding costs at most a third while a size reveals one of fourteen values.
 */
export const ATTACHMENT_BUCKETS = [
  256 * KiB,
  512 * KiB,
  1 * MiB,
  1.5 * MiB,
  2 * MiB,
  2.5 * MiB,
  3 * MiB,
  4 * MiB,
  5 * MiB,
  6 * MiB,
  8 * MiB,
  10 * MiB,
  12 * MiB,
  LARGEST_ATTACHMENT_BUCKET,
] as const;

export const LARGEST_ATTACHMENT_PAYLOAD = LARGEST_ATTACHMENT_BUCKET - 1;

/**
 * What a sealed file holds once opened: a re-encoded image, the page images made from a PDF, or a
 * saved email byte for byte (issue 33: stripping anything would break its DKIM signature).
 */
export const ATTACHMENT_KINDS = ['image/jpeg', 'image/png', 'image/webp', 'pdf-pages', 'message/rfc822'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export function isAttachmentKind(value: unknown): value is AttachmentKind {
  return (ATTACHMENT_KINDS as readonly unknown[]).includes(value);
}

/** One file as the account envelope lists it; the server never sees this. */
export interface AttachmentManifestEntry {
  kind: AttachmentKind;
  /** Bytes of padded plaintext: one of ATTACHMENT_BUCKETS. */
  paddedSize: number;
  /** The secretstream key, base64. */
  key: string;
  /** The secretstream header, base64. */
  header: string;
  /** SHA-256 of the sealed chunks end to end, hex: what the server checks and the moderator re-checks. */
  sha256: string;
  /** For `pdf-pages`: how many page images the file holds. */
  pages?: number;
}

export interface SealedAttachment {
  entry: AttachmentManifestEntry;
  /** paddedSize / ATTACHMENT_CHUNK_BYTES chunks, each SEALED_CHUNK_BYTES long, in upload order. */
  chunks: Uint8Array[];
}

export function attachmentBucketFor(length: number): number {
  const bucket = ATTACHMENT_BUCKETS.find((b) => length < b);
  if (bucket === undefined) {
    throw new CodedError('too_large', { maxBytes: LARGEST_ATTACHMENT_PAYLOAD, subject: 'file' });
  }
  return bucket;
}

export function isAttachmentBucket(size: number): boolean {
  return (ATTACHMENT_BUCKETS as readonly number[]).includes(size);
}

export function chunkCountOf(paddedSize: number): number {
  return paddedSize / ATTACHMENT_CHUNK_BYTES;
}

/** SHA-256 over the sealed chunks in order, as hex. */
export function sealedDigest(chunks: readonly Uint8Array[]): string {
  const whole = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return bytesToHex(sha256(whole));
}

/** Pads `plaintext` to its bucket and seals it under a fresh key. */
export function sealAttachment(sodium: Sodium, kind: AttachmentKind, plaintext: Uint8Array, pages?: number): SealedAttachment {
  const paddedSize = attachmentBucketFor(plaintext.length);
  const padded = sodium.pad(plaintext, paddedSize);
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const count = chunkCountOf(paddedSize);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const tag = i === count - 1 ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const part = padded.subarray(i * ATTACHMENT_CHUNK_BYTES, (i + 1) * ATTACHMENT_CHUNK_BYTES);
    chunks.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, part, null, tag));
  }
  sodium.memzero(padded);
  const entry: AttachmentManifestEntry = {
    kind,
    paddedSize,
    key: toBase64(sodium, key),
    header: toBase64(sodium, header),
    sha256: sealedDigest(chunks),
    ...(pages === undefined ? {} : { pages }),
  };
  sodium.memzero(key);
  return { entry, chunks };
}

/** Checks the digest, opens every chunk in order (the last must carry TAG_FINAL) and unpads. */
export function openAttachment(sodium: Sodium, entry: AttachmentManifestEntry, chunks: readonly Uint8Array[]): Uint8Array {
  const count = chunkCountOf(entry.paddedSize);
  if (chunks.length !== count || chunks.some((c) => c.length !== SEALED_CHUNK_BYTES)) {
    throw new CodedError('bad_length', { field: 'file', expected: count, actual: chunks.length, unit: 'chunks' });
  }
  if (sealedDigest(chunks) !== entry.sha256) {
    throw new CodedError('bad_digest');
  }
  let state;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(fromBase64(sodium, entry.header, 'header'), fromBase64(sodium, entry.key, 'key'));
  } catch (error) {
    if (error instanceof CodedError) throw error;
    throw new CodedError('cannot_open');
  }
  const padded = new Uint8Array(entry.paddedSize);
  chunks.forEach((chunk, i) => {
    const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, null);
    const finalTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (!opened || (i === count - 1) !== (opened.tag === finalTag)) {
      throw new CodedError('cannot_open');
    }
    padded.set(opened.message, i * ATTACHMENT_CHUNK_BYTES);
  });
  try {
    return sodium.unpad(padded, entry.paddedSize);
  } catch {
    throw new CodedError('bad_padding');
  }
}

/** A PDF's page images in one plaintext: each page as a 4-byte big-endian length, then its bytes. */
export function framePages(pages: readonly Uint8Array[]): Uint8Array {
  const framed = new Uint8Array(pages.reduce((sum, p) => sum + 4 + p.length, 0));
  const view = new DataView(framed.buffer);
  let at = 0;
  for (const page of pages) {
    view.setUint32(at, page.length);
    framed.set(page, at + 4);
    at += 4 + page.length;
  }
  return framed;
}

export function unframePages(framed: Uint8Array, expected: number): Uint8Array[] {
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const pages: Uint8Array[] = [];
  let at = 0;
  while (at < framed.length) {
    if (at + 4 > framed.length) throw new CodedError('bad_length', { field: 'page frame', expected: at + 4, actual: framed.length });
    const length = view.getUint32(at);
    if (at + 4 + length > framed.length) throw new CodedError('bad_length', { field: 'page frame', expected: at + 4 + length, actual: framed.length });
    pages.push(framed.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (pages.length !== expected) throw new CodedError('bad_length', { field: 'pages', expected, actual: pages.length, unit: 'pages' });
  return pages;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Reads the `attachments` list of an opened account, refusing anything malformed. */
export function attachmentManifestOf(sodium: Sodium, account: unknown): AttachmentManifestEntry[] {
  const list = (account as { attachments?: unknown }).attachments;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new CodedError('bad_manifest', { problem: 'not_a_list' });
  return list.map((item: unknown, i): AttachmentManifestEntry => {
    const entry = item as Partial<Record<keyof AttachmentManifestEntry, unknown>>;
    const bad = (problem: ErrorDetailsByCode['bad_manifest']['problem']) => new CodedError('bad_manifest', { attachment: i + 1, problem });
    if (typeof entry !== 'object' || entry === null) throw bad('not_an_object');
    const { kind, pages } = entry;
    if (!isAttachmentKind(kind)) throw bad('unknown_kind');
    if (typeof entry.paddedSize !== 'number' || !isAttachmentBucket(entry.paddedSize)) throw bad('padded_size');
    if (typeof entry.key !== 'string' || fromBase64(sodium, entry.key, 'key').length !== sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES) throw bad('key');
    if (typeof entry.header !== 'string' || fromBase64(sodium, entry.header, 'header').length !== sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES) throw bad('header');
    if (typeof entry.sha256 !== 'string' || !HEX_SHA256.test(entry.sha256)) throw bad('digest');
    const pageCount = typeof pages === 'number' && Number.isInteger(pages) && pages > 0 ? pages : undefined;
    if ((kind === 'pdf-pages') !== (pageCount !== undefined)) throw bad('page_count');
    return {
      kind,
      paddedSize: entry.paddedSize,
      key: entry.key,
      header: entry.header,
      sha256: entry.sha256,
      ...(pageCount === undefined ? {} : { pages: pageCount }),
    };
  });
}
