import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACHMENT_BUCKETS,
  ATTACHMENT_CHUNK_BYTES,
  attachmentBucketFor,
  attachmentManifestOf,
  chunkCountOf,
  framePages,
  openAttachment,
  SEALED_CHUNK_BYTES,
  sealAttachment,
  sealedDigest,
  unframePages,
  type AttachmentManifestEntry,
} from '../../common/protocol/attachment.js';
import { protocolErrorCodeOf } from '../support/protocol-errors.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';

interface AttachmentVector {
  plaintextHex: string;
  entry: AttachmentManifestEntry;
  sealedBase64: string;
}

const { vectors } = JSON.parse(readFileSync(new URL('../vectors/attachment-v1.json', import.meta.url), 'utf8')) as {
  vectors: AttachmentVector[];
};

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const chunksOf = (bytes: Uint8Array) => Array.from({ length: bytes.length / SEALED_CHUNK_BYTES }, (_, i) => bytes.slice(i * SEALED_CHUNK_BYTES, (i + 1) * SEALED_CHUNK_BYTES));

const codeOf = protocolErrorCodeOf;

describe('attachment known-answer vectors (test/vectors/attachment-v1.json)', () => {
  it.each(vectors.map((v) => [v.entry.kind, v] as const))('%s opens to its plaintext', (_kind, vector) => {
    const chunks = chunksOf(sodium.from_base64(vector.sealedBase64, sodium.base64_variants.ORIGINAL));
    expect(chunks).toHaveLength(chunkCountOf(vector.entry.paddedSize));
    expect(attachmentManifestOf(sodium, { attachments: [vector.entry] })).toEqual([vector.entry]);
    const plaintext = openAttachment(sodium, vector.entry, chunks);
    expect(sodium.to_hex(plaintext)).toBe(vector.plaintextHex);
    if (vector.entry.kind === 'pdf-pages') {
      expect(unframePages(plaintext, vector.entry.pages!).map((p) => new TextDecoder().decode(p))).toEqual(['page one', 'page two, a little longer']);
    }
  });
});

describe('attachment sealing', () => {
  it('pads to the smallest bucket that holds the file and cuts it into whole chunks', () => {
    expect(attachmentBucketFor(0)).toBe(256 * 1024);
    expect(attachmentBucketFor(256 * 1024 - 1)).toBe(256 * 1024);
    expect(attachmentBucketFor(256 * 1024)).toBe(512 * 1024);
    expect(attachmentBucketFor(9_999_999)).toBe(10 * 1024 * 1024);
    expect(codeOf(() => attachmentBucketFor(16 * 1024 * 1024))).toBe('too_large');
    for (const bucket of ATTACHMENT_BUCKETS) expect(bucket % ATTACHMENT_CHUNK_BYTES).toBe(0);
    const sealed = sealAttachment(sodium, 'image/jpeg', new Uint8Array(300_000).fill(7));
    expect(sealed.entry.paddedSize).toBe(512 * 1024);
    expect(sealed.chunks).toHaveLength(8);
    expect(sealed.chunks.every((c) => c.length === SEALED_CHUNK_BYTES)).toBe(true);
    expect(openAttachment(sodium, sealed.entry, sealed.chunks)).toEqual(new Uint8Array(300_000).fill(7));
  });

  it('draws a fresh key for every file', () => {
    const a = sealAttachment(sodium, 'image/png', new Uint8Array(10));
    const b = sealAttachment(sodium, 'image/png', new Uint8Array(10));
    expect(a.entry.key).not.toBe(b.entry.key);
    expect(a.entry.sha256).not.toBe(b.entry.sha256);
  });

  it('refuses a swapped, reordered, truncated or tampered file', () => {
    const sealed = sealAttachment(sodium, 'image/png', new Uint8Array(70_000).fill(1));
    const other = sealAttachment(sodium, 'image/png', new Uint8Array(70_000).fill(2));
    expect(codeOf(() => openAttachment(sodium, sealed.entry, other.chunks))).toBe('bad_digest');
    expect(codeOf(() => openAttachment(sodium, sealed.entry, sealed.chunks.slice(0, 3)))).toBe('bad_length');
    const reordered = [sealed.chunks[1]!, sealed.chunks[0]!, ...sealed.chunks.slice(2)];
    // A server that reorders chunks and forges the digest still cannot make them open.
    const forged = { ...sealed.entry, sha256: sealedDigest(reordered) };
    expect(codeOf(() => openAttachment(sodium, forged, reordered))).toBe('cannot_open');
    const truncated = sealed.chunks.slice(0, 3);
    const shortEntry = { ...sealed.entry, paddedSize: 3 * ATTACHMENT_CHUNK_BYTES, sha256: sealedDigest(truncated) };
    expect(codeOf(() => openAttachment(sodium, shortEntry, truncated))).toBe('cannot_open');
  });

  it('frames page images and refuses a wrong page count', () => {
    const pages = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([9])];
    expect(unframePages(framePages(pages), 3)).toEqual(pages);
    expect(codeOf(() => unframePages(framePages(pages), 2))).toBe('bad_length');
    expect(codeOf(() => unframePages(framePages(pages).slice(0, 5), 3))).toBe('bad_length');
  });

  it('reads a manifest and refuses a malformed one', () => {
    const { entry } = sealAttachment(sodium, 'pdf-pages', framePages([new Uint8Array(5)]), 1);
    expect(attachmentManifestOf(sodium, {})).toEqual([]);
    expect(attachmentManifestOf(sodium, { attachments: [entry] })).toEqual([entry]);
    for (const bad of [{ kind: 'text/html' }, { paddedSize: 1000 }, { sha256: 'x' }, { pages: undefined }, { key: 'AAAA' }]) {
      expect(codeOf(() => attachmentManifestOf(sodium, { attachments: [{ ...entry, ...bad }] }))).toBe('bad_manifest');
    }
    expect(codeOf(() => attachmentManifestOf(sodium, { attachments: 'x' }))).toBe('bad_manifest');
  });
});
